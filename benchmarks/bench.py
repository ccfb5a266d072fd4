"""Time ``kpi score`` and measure its peak memory on synthetic workbooks of growing size.

    python benchmarks/bench.py [--sizes 10000,1000000] [--people N] [--keep]

For each number of point events the input is generated once by
benchmarks/generate.py and cached in benchmarks/out/ under a name that encodes
its parameters and a hash of the generator (so a changed generator never reuses
a stale input). Each scoring run is measured from outside, as a user would
experience it: wall time of the whole ``python -m kpi score`` process, and its
peak resident set size.

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
class Measurement:
    """One scoring run, as reported in the table."""

    events: int
    people: int
    wall_s: float
    peak_mib: float


def default_people(events: int) -> int:
    """About 20 events per person, between 500 and 50,000 people: a plausible zone."""
    return max(500, min(50_000, events // 20))


def cached_input(people: int, events: int, seed: int) -> Path:
    """Generate the workbook for these parameters unless it is already cached."""
    generator_hash = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:8]
    path = OUT / f"input-p{people}-e{events}-s{seed}-{generator_hash}.xlsx"
    if path.exists():
        print(f"using cached {path.relative_to(ROOT)}", file=sys.stderr)
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial.xlsx")
    command = [sys.executable, str(GENERATOR), "--people", str(people), "--events", str(events)]
    command += ["--seed", str(seed), "--out", str(partial)]
    # stdout (the generator's timing line) goes to our stderr, keeping stdout for the table.
    subprocess.run(command, check=True, stdout=sys.stderr)
    os.replace(partial, path)  # an interrupted run never leaves a half-written cache entry
    return path


def peak_mib(maxrss: int) -> float:
    """ru_maxrss is KiB on Linux and bytes on macOS."""
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 2**10


def measure_score(workbook: Path, events: int, people: int) -> Measurement:
    """Run ``kpi score`` once through the wrapper; exit with kpi's stderr if it fails."""
    results = OUT / f"results-{events}.xlsx"
    kpi = [sys.executable, "-m", "kpi", "score", str(workbook), "--rules", str(RULES)]
    kpi += ["--period", PERIOD, "--out", str(results), "--force"]
    done = subprocess.run([sys.executable, "-c", MEASURE, *kpi], capture_output=True, text=True, cwd=ROOT)
    try:
        report = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        report = {"returncode": done.returncode or 1}
    if done.returncode or report["returncode"]:
        print(f"kpi score failed (exit {report['returncode']}): {' '.join(kpi)}", file=sys.stderr)
        print(done.stderr, end="", file=sys.stderr)
        sys.exit(report["returncode"] or 1)
    return Measurement(events, people, report["wall"], peak_mib(report["maxrss"]))


def table(rows: list[Measurement]) -> str:
    """The results as a Markdown table."""
    lines = ["| events | people | wall s | peak MiB |", "| ---: | ---: | ---: | ---: |"]
    lines += [f"| {m.events} | {m.people} | {m.wall_s:.2f} | {m.peak_mib:.1f} |" for m in rows]
    return "\n".join(lines)


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
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the results workbooks")
    args = parser.parse_args(argv)
    if not RULES.exists():
        parser.error(f"{RULES.relative_to(ROOT)} is missing")

    rows = []
    for events in args.sizes:
        people = args.people or default_people(events)
        workbook = cached_input(people, events, args.seed)
        print(f"scoring {events} events, {people} people…", file=sys.stderr)
        rows.append(measure_score(workbook, events, people))
        if not args.keep:
            (OUT / f"results-{events}.xlsx").unlink(missing_ok=True)
    print(table(rows))


if __name__ == "__main__":
    main()
