"""How long ``kpi --help`` takes, from outside, as a user's shell runs it.

    python benchmarks/help_time.py                     # 20 runs of `python -m kpi --help`
    python benchmarks/help_time.py --runs 50 --imports # and the slowest imports
    python benchmarks/help_time.py --compare /path/to/other/checkout

Each round runs, in turn, ``python -c pass`` (the interpreter alone), ``python
-m kpi --help`` from this checkout, and with ``--compare`` the same from another
checkout (its folder is put first on ``PYTHONPATH``). Interleaving the commands
keeps a machine that gets busier during the measurement from favouring one of
them. The minimum is the figure to compare (the least disturbed run); the
median shows how a loaded machine fares. ``--imports`` adds the ten slowest
top-level imports of one run (``python -X importtime``).

Not a test: the suite never times anything (a shared CI machine would make it
flaky); the figure is documented in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _env(source: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    env["PYTHONPATH"] = os.pathsep.join([str(source), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; CPU (user + system) suffers less from a busy machine.

    Run from the checkout's own folder: ``python -m`` puts the current folder first on
    sys.path, so a run from elsewhere could import another checkout's ``kpi``.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command,
        env=env,
        cwd=env["PYTHONPATH"].split(os.pathsep)[0],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _imports(env: dict[str, str]) -> list[tuple[int, int, str]]:
    """(cumulative µs, depth, module) of the imports of one ``kpi --help``, two levels deep."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kpi", "--help"],
        env=env,
        cwd=env["PYTHONPATH"].split(os.pathsep)[0],
        capture_output=True,
        text=True,
        check=True,
    )
    found = []
    for line in run.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2]
            depth = (len(name) - len(name.lstrip())) // 2  # two spaces a level, one at the top
            if depth <= 2:
                found.append((int(parts[1]), depth, name.strip()))
    return sorted(found, reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--compare", type=Path, help="another checkout to time the same way")
    parser.add_argument("--imports", action="store_true", help="list the slowest top-level imports")
    args = parser.parse_args(argv)

    commands = {
        "python -c pass": ([sys.executable, "-c", "pass"], _env(REPO)),
        "kpi --help (this checkout)": ([sys.executable, "-m", "kpi", "--help"], _env(REPO)),
    }
    if args.compare is not None:
        commands[f"kpi --help ({args.compare})"] = (
            [sys.executable, "-m", "kpi", "--help"],
            _env(args.compare.resolve()),
        )
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, (command, env) in commands.items():
            times[name].append(_once(command, env))
    print("| command | wall min s | wall median s | CPU median s |")
    print("| --- | ---: | ---: | ---: |")
    for name, found in times.items():
        walls = [w for w, _ in found]
        cpu = statistics.median(c for _, c in found)
        print(f"| {name} | {min(walls):.3f} | {statistics.median(walls):.3f} | {cpu:.3f} |")
    if args.imports:
        print("\nslowest imports of `kpi --help`, two levels deep (cumulative ms):")
        for micros, depth, name in _imports(_env(REPO))[:12]:
            print(f"  {micros / 1000:7.1f}  {'  ' * depth}{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
