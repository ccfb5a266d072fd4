"""Scoring many workbooks in one run: ``kpi score IN1.xlsx IN2.xlsx … --out-dir DIR``.

Each input is one :class:`Job`: its period (``--period``, or the one its file
name carries: ``高新区-2024Q3.xlsx``), its results file in the output folder
(named after the input: ``高新区-2024Q3-结果.xlsx``, ``-results`` with
``--lang en``), and the format. A job that fails — a user error in its
workbook, a results file that exists, even a bug — fails alone: the others are
still scored and written, and each job ends as one :class:`Outcome`.

``workers > 1`` scores jobs in a pool of that many processes (``spawn``: a
fresh interpreter each, so no lock or thread of the parent is inherited). At
most ``workers`` jobs are handed out at a time, so a run stopped by a signal
never starts another job. A worker that dies (killed, out of memory) breaks the
pool and every job in hand; those jobs are tried once more in a fresh pool.

In a worker, a stopping signal (SIGINT, SIGTERM, SIGHUP) interrupts the job it
is running: its temporary file is removed and the job ends as
``interrupted``; the parent stops its workers and re-raises.

Nothing here prints: the CLI renders outcomes as they arrive (``on_done``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from kpi import signals
from kpi.errors import KpiError, Location, OutputError, Problem
from kpi.periods import Period, period_in_name
from kpi.signals import STOPPING, Interrupted

#: Suffix of a results file's name after the input's stem, by --lang.
RESULT_SUFFIX = {"zh": "结果", "en": "results"}
_EXTENSIONS = {"xlsx": ".xlsx", "json": ".json", "csv": ""}

OK, FAILED, ERROR, INTERRUPTED = "ok", "failed", "error", "interrupted"


@dataclass(frozen=True)
class Job:
    """One workbook of a batch; ``refused`` is a problem found before it could run."""

    input: Path
    rules: Path
    period: Period | None
    out: Path
    fmt: str = "xlsx"
    lang: str = "zh"
    force: bool = False
    refused: str | None = None


@dataclass
class Outcome:
    """How one job ended: ``ok``, ``failed`` (a user error), ``error`` (a bug) or ``interrupted``."""

    input: str
    output: str
    status: str
    period: str | None = None
    people: int = 0
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: The results file is in place, whole (also for a job interrupted just after placing it).
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.status == OK


def output_path(input_path: Path, out_dir: Path, fmt: str, lang: str) -> Path:
    """``DIR/<input stem>-结果.xlsx`` (``-results`` with lang en; a folder for csv)."""
    return out_dir / f"{input_path.stem}-{RESULT_SUFFIX[lang]}{_EXTENSIONS[fmt]}"


def make_folder(out_dir: Path) -> None:
    """Create ``--out-dir`` when it does not exist yet (its parent must)."""
    if out_dir.is_dir():
        return
    where = Location(str(out_dir))
    if out_dir.exists():
        raise OutputError.single("is a file, not a folder: give a folder for --out-dir", where)
    try:
        out_dir.mkdir()
    except FileNotFoundError:
        raise OutputError.single(
            f"folder {out_dir.parent} does not exist: create it or choose another --out-dir", where
        ) from None
    except OSError as exc:
        raise OutputError.single(f"cannot create the folder: {exc.strerror or exc}", where) from None


def plan(
    inputs: Iterable[Path],
    rules: Path,
    period: Period | None,
    out_dir: Path,
    *,
    fmt: str = "xlsx",
    lang: str = "zh",
    force: bool = False,
) -> list[Job]:
    """One job per input, in order; two inputs that would write one results file are refused
    (the second), so no run can overwrite another's results."""
    jobs: list[Job] = []
    taken: dict[Path, Path] = {}
    for path in inputs:
        out = output_path(path, out_dir, fmt, lang)
        refused = None
        if out in taken:
            refused = (
                f"its results file {out} is the one of {taken[out]}, given before it "
                "(the same file, or the same name in another folder): rename one of them"
            )
        taken.setdefault(out, path)
        jobs.append(Job(path, rules, period, out, fmt, lang, force, refused))
    return jobs


def run_job(job: Job) -> Outcome:
    """Score one job and write its results; every failure becomes the outcome (never raised),
    except a stopping signal (:class:`~kpi.signals.Interrupted`)."""
    from kpi import api
    from kpi.report.export import check_target, save_results

    outcome = Outcome(str(job.input), str(job.out), FAILED, str(job.period) if job.period else None)
    try:
        if job.refused is not None:
            raise KpiError.single(job.refused, Location(str(job.input)))
        period = job.period
        if period is None:
            try:
                period = period_in_name(job.input.name)
            except ValueError as exc:
                raise KpiError.single(str(exc), Location(str(job.input))) from None
            outcome.period = str(period)
        check_target(job.out, job.fmt, force=job.force, inputs=[job.input, job.rules])
        results = api.run(job.input, job.rules, period)
        save_results(results, job.out, job.fmt, lang=job.lang, force=job.force)
    except KpiError as error:
        outcome.problems = list(error.problems)
        return outcome
    except MemoryError:
        outcome.problems = [Problem(Location(str(job.input)), "not enough memory to score this workbook")]
        return outcome
    except Exception as exc:  # a bug: this job ends, the others go on
        message = " ".join(str(exc).split())
        outcome.status = ERROR
        outcome.problems = [
            Problem(
                Location(str(job.input)),
                f"internal error: {type(exc).__name__}: {message} (a bug in kpi, not in your files: "
                "rerun this workbook alone with KPI_DEBUG=1 and report it)",
            )
        ]
        return outcome
    outcome.status = OK
    outcome.written = True
    outcome.people = len(results.inputs.people)
    outcome.warnings = list(results.warnings)
    return outcome


def run_batch(
    jobs: list[Job], workers: int = 1, on_done: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """Run every job (``workers`` at a time); outcomes in the order of ``jobs``."""
    notify = on_done or (lambda outcome: None)
    if workers <= 1 or len(jobs) <= 1:
        outcomes = []
        for job in jobs:
            outcomes.append(run_job(job))
            notify(outcomes[-1])
        return outcomes
    return _in_pool(jobs, min(workers, len(jobs)), notify)


def _pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker)


def _in_pool(jobs: list[Job], workers: int, notify: Callable[[Outcome], None]) -> list[Outcome]:
    """A worker that dies (killed, out of memory) breaks its pool and fails every job in
    hand: those jobs go once more into a fresh pool, so only the one that kills its worker
    twice fails (the others were bystanders)."""
    results: dict[int, Outcome] = {}
    tries = dict.fromkeys(range(len(jobs)), 0)
    waiting = list(range(len(jobs)))
    running: dict[Future[Outcome], int] = {}
    pool = _pool(workers)
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                index = waiting.pop(0)
                tries[index] += 1
                try:
                    future = pool.submit(_run_in_worker, jobs[index])
                except BrokenProcessPool:
                    pool.shutdown(wait=True)
                    pool = _pool(workers)
                    future = pool.submit(_run_in_worker, jobs[index])
                running[future] = index
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                if isinstance(future.exception(), BrokenProcessPool) and tries[index] < 2:
                    waiting.insert(0, index)
                    continue
                results[index] = _outcome(future, jobs[index])
                notify(results[index])
    except BaseException:
        # A stopping signal (or Ctrl-C) in the parent: stop the jobs in hand, start no other,
        # and tell what those jobs did (some may have placed their file meanwhile).
        for child in multiprocessing.active_children():
            child.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        for future, index in running.items():
            if future.done() and not future.cancelled():
                notify(_outcome(future, jobs[index]))
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(jobs))]


def _outcome(future: Future[Outcome], job: Job) -> Outcome:
    try:
        return future.result()
    except Exception as exc:  # its worker died twice (killed, out of memory): this job only
        what = " ".join(str(exc).split()) or type(exc).__name__
        return Outcome(
            str(job.input),
            str(job.out),
            ERROR,
            str(job.period) if job.period else None,
            problems=[Problem(Location(str(job.input)), f"the process scoring it stopped: {what}")],
        )


# In a worker process ------------------------------------------------------------

_in_job = False
_stopped: int | None = None


def _init_worker() -> None:
    for signum in STOPPING:
        signal.signal(signum, _on_signal)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """Interrupt the job in hand (its ``finally`` blocks remove its temporary file); between
    jobs only remember the stop. Later signals are ignored so the cleanup runs to its end."""
    global _stopped
    _stopped = signum
    signals.ignore_later()
    if _in_job:
        signals.interrupt(signum)  # deferred while a results file is being placed


def _run_in_worker(job: Job) -> Outcome:
    global _in_job
    if _stopped is not None:  # a stopped worker takes no job: ending it renews the pool
        os._exit(128 + _stopped)
    interrupted = Outcome(str(job.input), str(job.out), INTERRUPTED, str(job.period) if job.period else None)
    _in_job = True
    try:
        return run_job(job)
    except Interrupted as stop:
        interrupted.written = stop.written is not None
        after = " after its results file was written in full" if interrupted.written else ""
        interrupted.problems = [Problem(Location(str(job.input)), f"interrupted by {stop.name}{after}")]
        return interrupted
    finally:
        _in_job = False
