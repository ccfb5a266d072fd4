"""Scoring many workbooks in one run: ``kpi score IN1.xlsx IN2.xlsx … --out-dir DIR``.

Each input is one :class:`Job`: its period (``--period``, or the one its file
name carries: ``高新区-2024Q3.xlsx``), its results file in the output folder
(named after the input: ``高新区-2024Q3-结果.xlsx``, ``-results`` with
``--lang en``), and the format. A job that fails — a user error in its
workbook, a results file that exists, even a bug — fails alone: the others are
still scored and written, and each job ends as one :class:`Outcome`.

``workers > 1`` scores each job in a process of its own, at most ``workers`` at
a time (forked from a ``forkserver`` that has imported the library once, or
``spawn`` where there is none), so a process that dies — killed, out of
memory — fails its own job only, and a run stopped by a signal never starts
another job. In a job's process, a stopping signal (SIGINT, SIGTERM, SIGHUP)
interrupts the job: its temporary file is removed and the job ends as
``interrupted``; the parent stops the jobs in hand and re-raises.

Nothing here prints: the CLI renders outcomes as they arrive (``on_done``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing import connection, forkserver
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from kpi import signals
from kpi.errors import KpiError, Location, OutputError, Problem
from kpi.i18n import Msg, _
from kpi.periods import Period, period_in_name
from kpi.signals import Interrupted

if TYPE_CHECKING:
    from multiprocessing.context import ForkServerContext, SpawnContext

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
    #: A :class:`~kpi.i18n.Msg`, rendered where the outcome is shown.
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
    #: The results file is in place, whole (also for a job interrupted or killed just after
    #: placing it).
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
        raise OutputError.single(_("is a file, not a folder: give a folder for --out-dir"), where)
    try:
        out_dir.mkdir()
    except FileNotFoundError:
        raise OutputError.single(
            _(
                "folder {folder} does not exist: create it or choose another --out-dir",
                folder=str(out_dir.parent),
            ),
            where,
        ) from None
    except OSError as exc:
        raise OutputError.single(
            _("cannot create the folder: {reason}", reason=exc.strerror or str(exc)), where
        ) from None


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
            refused = _(
                "its results file {out} is the one of {other}, given before it "
                "(the same file, or the same name in another folder): rename one of them",
                out=str(out),
                other=str(taken[out]),
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
                reason = exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else str(exc)
                raise KpiError.single(reason, Location(str(job.input))) from None
            outcome.period = str(period)
        check_target(job.out, job.fmt, force=job.force, inputs=[job.input, job.rules])
        results = api.run(job.input, job.rules, period)
        save_results(results, job.out, job.fmt, lang=job.lang, force=job.force)
    except KpiError as error:
        outcome.problems = list(error.problems)
        return outcome
    except MemoryError:
        outcome.problems = [Problem(Location(str(job.input)), _("not enough memory to score this workbook"))]
        return outcome
    except Exception as exc:  # a bug: this job ends, the others go on
        message = " ".join(str(exc).split())
        outcome.status = ERROR
        outcome.problems = [
            Problem(
                Location(str(job.input)),
                _(
                    "internal error: {error}: {message} (a bug in kpi, not in your files: "
                    "rerun this workbook alone with KPI_DEBUG=1 and report it)",
                    error=type(exc).__name__,
                    message=message,
                ),
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
    return _in_processes(jobs, min(workers, len(jobs)), notify)


def _context() -> SpawnContext | ForkServerContext:
    """forkserver where the system has it (each job forked from a server that has imported
    the library once: no second of imports per job, nothing of this process's threads or
    locks inherited); spawn elsewhere (Windows)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kpi.batch", "kpi.api", "kpi.report.export"])
    return context


def _in_processes(jobs: list[Job], workers: int, notify: Callable[[Outcome], None]) -> list[Outcome]:
    """Each job in a process of its own, at most ``workers`` at a time: a process that dies
    (killed, out of memory) fails its own job only."""
    context = _context()
    if context.get_start_method() == "forkserver":
        # Started with the stopping signals blocked, which its children inherit: a job's
        # process then takes a signal only once it can stop cleanly (_job_process).
        with signals.held():
            forkserver.ensure_running()
    results: dict[int, Outcome] = {}
    waiting = list(range(len(jobs)))
    running: dict[int, tuple[BaseProcess, Connection, Placed]] = {}
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                with signals.held():  # a stop waits until the process has its job, whole
                    index = waiting.pop(0)
                    before = _placed(jobs[index])
                    receive, send = context.Pipe(duplex=False)
                    started = context.Process(target=_job_process, args=(jobs[index], send), daemon=True)
                    started.start()
                    send.close()
                    running[index] = (started, receive, before)
            handles = [
                handle for process, receive, __ in running.values() for handle in (receive, process.sentinel)
            ]
            ready = connection.wait(handles)
            for index, (process, receive, before) in list(running.items()):
                if receive in ready or process.sentinel in ready:
                    with signals.held():  # a stop waits until this outcome is recorded
                        results[index] = _collect(process, receive, jobs[index], before)
                        del running[index]
                        notify(results[index])
    except BaseException:
        # A stopping signal (or Ctrl-C) in this process: stop the jobs in hand (each removes
        # its temporary file), start no other, and tell what they did (one may have placed
        # its file meanwhile).
        for process, *__ in running.values():
            process.terminate()
        for index, (process, receive, before) in running.items():
            notify(_collect(process, receive, jobs[index], before))
        raise
    return [results[i] for i in range(len(jobs))]


#: The results files a job may place, each with its identity (device, inode, mtime, size).
Placed = dict[str, tuple[int, int, int, int]]
#: The last file of a csv job's folder (method §7 order): once it is placed, all are.
_LAST_CSV = "run_info.csv"


def _placed(job: Job) -> Placed:
    """The results files in ``job``'s place now: its file, or the csv files of its folder.

    Taken before its process starts and again if the process dies without a word, it
    tells a job killed before placing anything from one killed just after (placing is
    one atomic rename; the outcome is sent the instant after).
    """
    files = [job.out]
    if job.fmt == "csv":
        try:
            files = [path for path in job.out.iterdir() if path.suffix == ".csv"]
        except OSError:
            files = []
    placed: Placed = {}
    for path in files:
        try:
            info = os.stat(path)
        except OSError:
            continue
        placed[path.name] = (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)
    return placed


def _collect(process: BaseProcess, receive: Connection, job: Job, before: Placed) -> Outcome:
    """The outcome a job's process sent, or why it sent none; the process is waited for."""
    try:
        outcome: Outcome = receive.recv()
    except (EOFError, OSError):  # it died before sending (killed, out of memory)
        process.join()
        receive.close()
        return _died(job, _ended(process.exitcode), before)
    process.join()
    receive.close()
    return outcome


def _died(job: Job, how: Msg, before: Placed) -> Outcome:
    """The outcome of a job whose process died without sending one: what it left in place
    says whether it had written its results (in full, in part for csv, or not at all)."""
    now = _placed(job)
    changed = [name for name, identity in now.items() if before.get(name) != identity]
    whole = bool(changed) and (job.fmt != "csv" or _LAST_CSV in changed)
    if whole:
        message = _(
            "the process scoring it stopped ({how}) just after its results were written in full: "
            "{out} is whole, with its warnings",
            how=how,
            out=str(job.out),
        )
    elif changed:
        message = _(
            "the process scoring it stopped ({how}) after writing {count} of its files into {out}, "
            "not all of them: score this workbook again with --force; it may have run out of memory",
            how=how,
            count=len(changed),
            out=str(job.out),
        )
    else:
        message = _(
            "the process scoring it stopped ({how}), nothing written: it may have run out "
            "of memory; score this workbook alone or with fewer --jobs",
            how=how,
        )
    return Outcome(
        str(job.input),
        str(job.out),
        FAILED,
        str(job.period) if job.period else None,
        problems=[Problem(Location(str(job.input)), message)],
        written=whole,
    )


def _ended(code: int | None) -> Msg:
    if code is not None and code < 0:
        try:
            return _("killed by {signal}", signal=signal.Signals(-code).name)
        except ValueError:
            pass
    return _("exit code {code}", code=code)


#: In a job's process: the job has ended, so a stopping signal has nothing left to stop.
_job_done = False


def _job_stop(signum: int, frame: FrameType | None) -> None:
    """A stopping signal in a job's process: interrupt the job (deferred while its file is
    placed, so its temporary file is removed either way); after the job, nothing."""
    signals.ignore_later()
    if not _job_done:
        signals.interrupt(signum)


def _job_process(job: Job, send: Connection) -> None:
    """In the job's own process: run it, and send its outcome back through ``send``.

    The stopping signals arrive blocked (the forkserver was started with them blocked):
    they are handled from inside the ``try``, so an early one ends the job as
    ``interrupted``, never with a traceback; once the job has ended they do nothing, so
    the outcome is sent whole.
    """
    global _job_done
    outcome: Outcome | None = None
    try:
        for signum in signals.STOPPING:
            signal.signal(signum, _job_stop)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals.STOPPING)
        outcome = run_job(job)
        _job_done = True
    except Interrupted as stop:
        _job_done = True
        if outcome is None:
            written = stop.written is not None
            outcome = Outcome(
                str(job.input),
                str(job.out),
                INTERRUPTED,
                str(job.period) if job.period else None,
                problems=[Problem(Location(str(job.input)), stop.message())],
                written=written,
            )
    with contextlib.suppress(OSError):  # the parent is gone: nobody to tell
        send.send(outcome)
        send.close()
