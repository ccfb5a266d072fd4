"""Time ``kpi score`` and measure its peak memory on synthetic workbooks of growing size.

    python benchmarks/bench.py [--sizes 10000,1000000] [--people N] [--keep]
    python benchmarks/bench.py --sizes 1000000 --people 50000 \
        --requests 100000 --evaluations 500000 --compare --repeat 2

For each number of point events the input is generated once by
benchmarks/generate.py and cached in benchmarks/out/ under a name that encodes
its parameters and a hash of the generator (so a changed generator never reuses
a stale input). Each scoring run is measured from outside, as a user would
experience it: wall time of the whole ``python -m kpi score`` process, and its
peak resident set size.

``--requests`` and ``--evaluations`` add the 企业诉求 and 测评 sheets; with
``--compare`` each size is also run without them (the other sheets are the same),
and the ratio of the two is printed. ``--repeat N`` runs each case N times and
keeps the fastest wall time (the machine may be shared) and the largest peak; the
1-minute load average at the start of the kept run is shown beside it.

Peak RSS comes from ``getrusage(RUSAGE_CHILDREN).ru_maxrss``, which is the
maximum over every child a process has waited for, not the last one; so each run
goes through a fresh, tiny wrapper process whose only child is ``kpi``. The
wrapper's own footprint is never counted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
GENERATOR = ROOT / "benchmarks" / "generate.py"
RULES = ROOT / "rules" / "qingdao-hitech-2024.yaml"
PERIOD = "2024Q3"

# Runs argv[1:] as its only child, then reports that child's wall time and peak RSS.
# The child's stdout goes to stderr so the wrapper's stdout carries only the JSON.
MEASURE = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=sys.stderr)
wall = time.perf_counter() - start
maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"returncode": code, "wall": wall, "maxrss": maxrss}))
"""


@dataclass(frozen=True)
class Case:
    """One input workbook's parameters."""

    people: int
    events: int
    requests: int = 0
    evaluations: int = 0


@dataclass(frozen=True)
class Measurement:
    """One case's scoring runs, as reported in the table."""

    case: Case
    wall_s: float
    peak_mib: float
    load: float


def default_people(events: int) -> int:
    """About 20 events per person, between 500 and 50,000 people: a plausible zone."""
    return max(500, min(50_000, events // 20))


def cached_input(case: Case, seed: int) -> Path:
    """Generate the workbook for these parameters unless it is already cached."""
    generator_hash = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:8]
    extra = f"-r{case.requests}-v{case.evaluations}" if case.requests or case.evaluations else ""
    path = OUT / f"input-p{case.people}-e{case.events}{extra}-s{seed}-{generator_hash}.xlsx"
    if path.exists():
        print(f"using cached {path.relative_to(ROOT)}", file=sys.stderr)
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial.xlsx")
    command = [sys.executable, str(GENERATOR), "--people", str(case.people), "--events", str(case.events)]
    command += ["--requests", str(case.requests), "--evaluations", str(case.evaluations)]
    command += ["--seed", str(seed), "--out", str(partial)]
    # stdout (the generator's timing line) goes to our stderr, keeping stdout for the table.
    subprocess.run(command, check=True, stdout=sys.stderr)
    os.replace(partial, path)  # an interrupted run never leaves a half-written cache entry
    return path


def peak_mib(maxrss: int) -> float:
    """ru_maxrss is KiB on Linux and bytes on macOS."""
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 2**10


def results_path(case: Case) -> Path:
    return OUT / f"results-{case.events}-r{case.requests}-v{case.evaluations}.xlsx"


def run_once(workbook: Path, case: Case) -> tuple[float, float, float]:
    """Run ``kpi score`` once through the wrapper: (wall s, peak MiB, load average at the
    start); exit with kpi's stderr if it fails."""
    kpi = [sys.executable, "-m", "kpi", "score", str(workbook), "--rules", str(RULES)]
    kpi += ["--period", PERIOD, "--out", str(results_path(case)), "--force", "--quiet"]
    load = os.getloadavg()[0]
    done = subprocess.run([sys.executable, "-c", MEASURE, *kpi], capture_output=True, text=True, cwd=ROOT)
    try:
        report = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        report = {"returncode": done.returncode or 1}
    if done.returncode or report["returncode"]:
        print(f"kpi score failed (exit {report['returncode']}): {' '.join(kpi)}", file=sys.stderr)
        print(done.stderr, end="", file=sys.stderr)
        sys.exit(report["returncode"] or 1)
    return report["wall"], peak_mib(report["maxrss"]), load


def measure_score(workbook: Path, case: Case, repeat: int = 1) -> Measurement:
    """``repeat`` runs: the fastest wall time (with the load it started under), the largest peak."""
    runs = [run_once(workbook, case) for _ in range(repeat)]
    wall, _, load = min(runs)
    return Measurement(case, wall, max(peak for _, peak, _ in runs), load)


def table(rows: list[Measurement]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| events | people | requests | evaluations | wall s | peak MiB | load |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {m.case.events} | {m.case.people} | {m.case.requests} | {m.case.evaluations} "
        f"| {m.wall_s:.2f} | {m.peak_mib:.1f} | {m.load:.2f} |"
        for m in rows
    ]
    return "\n".join(lines)


def ratios(rows: list[Measurement]) -> list[str]:
    """For each case with requests or evaluations, its ratio to the same case without them."""
    plain = {(m.case.people, m.case.events): m for m in rows if not (m.case.requests or m.case.evaluations)}
    lines = []
    for m in rows:
        base = plain.get((m.case.people, m.case.events))
        if base is None or base is m:
            continue
        lines.append(
            f"{m.case.events} events, {m.case.people} people: with {m.case.requests} requests and "
            f"{m.case.evaluations} evaluation rows, wall × {m.wall_s / base.wall_s:.2f}, "
            f"peak × {m.peak_mib / base.peak_mib:.2f}"
        )
    return lines


def parse_sizes(text: str) -> list[int]:
    """``10000,1000000`` (underscores allowed) → [10000, 1000000]."""
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of integers: {text}") from None
    if not sizes or min(sizes) < 0:
        raise argparse.ArgumentTypeError(f"sizes must be integers ≥ 0: {text}")
    return sizes


def main(argv: list[str] | None = None) -> None:
    """CLI entry point: measure every size, then print the table on stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[10_000, 1_000_000], help="events per run")
    parser.add_argument("--people", type=int, help="individuals (default: events/20, 500–50000)")
    parser.add_argument("--requests", type=int, default=0, help="service requests (企业诉求)")
    parser.add_argument("--evaluations", type=int, default=0, help="evaluation rows (测评)")
    parser.add_argument("--compare", action="store_true", help="also run each size without them")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the fastest is kept")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the results workbooks")
    args = parser.parse_args(argv)
    if not RULES.exists():
        parser.error(f"{RULES.relative_to(ROOT)} is missing")
    if args.repeat < 1 or min(args.requests, args.evaluations) < 0:
        parser.error("--repeat must be ≥ 1, --requests and --evaluations ≥ 0")

    cases = []
    for events in args.sizes:
        people = args.people or default_people(events)
        with_extra = Case(people, events, args.requests, args.evaluations)
        if args.compare and (args.requests or args.evaluations):
            cases.append(Case(people, events))
        cases.append(with_extra)
    rows = []
    for case in cases:
        workbook = cached_input(case, args.seed)
        print(
            f"scoring {case.events} events, {case.people} people, {case.requests} requests, "
            f"{case.evaluations} evaluation rows ({args.repeat} run(s))…",
            file=sys.stderr,
        )
        rows.append(measure_score(workbook, case, args.repeat))
        if not args.keep:
            results_path(case).unlink(missing_ok=True)
    print(table(rows))
    for line in ratios(rows):
        print(f"\n{line}")


if __name__ == "__main__":
    main()
