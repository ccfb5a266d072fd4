"""Read some large sheets of a workbook in a second process while this one reads the largest.

Turning a sheet's cells into Python values and cutting them into columns holds
the GIL, so threads cannot share it; a zone's workbook has one sheet much larger
than the rest (点数, a million rows), and beside it 测评, 企业诉求 and 人员 take
seconds of their own. On a machine with two CPUs or more, a forked process reads
those (safety scan, parse, header, columns: :func:`read_sheets`, exactly what this
process would run) and sends back their :class:`~kpi.io.tables.Table` — columns
already factorised, so a few bytes per cell — while this process reads the rest.
Measured on 50,000 people, 1,000,000 events, 100,000 service requests and 500,000
evaluation rows, this takes about 3 s off a 13 s read (benchmarks/README.md).

The split is only a way of running the same code: the tables, problems and
warnings are those of reading every sheet here. Where ``fork`` is not the safe,
usual way to start a process (Windows, macOS), with one CPU, or when the sheets
worth handing off are small, nothing is forked. If the helper dies or fails in
any way other than finding a problem in the file, this process reads its sheets
itself; if the read is abandoned, the helper is killed.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
from dataclasses import dataclass, field

from kpi.errors import Collector, InputError, Problem
from kpi.io.names import SHEET_ALIASES, normalize_name
from kpi.io.sources import PERCENT_SHEETS, Package, load_grid, open_package
from kpi.io.tables import Table, read_table
from kpi.io.xml_scan import is_sheet_part
from kpi.signals import STOPPING

#: Sheets smaller than this (inflated XML) are read here: shipping them costs more than it saves.
MIN_SHEET_BYTES = 4 * 1024**2
#: Hand off nothing unless the sheets worth handing off add up to this much.
MIN_HANDED_BYTES = 16 * 1024**2


@dataclass
class Outcome:
    """What reading some sheets gave: each sheet's table (None: an entirely blank
    sheet; absent: unreadable, with its problem), and the problems and warnings."""

    tables: dict[str, Table | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def read_sheets(package: Package, keys: dict[str, str]) -> Outcome:
    """Read the sheets ``keys`` (name → sheet key) of ``package`` as one process would."""
    source = open_package(package, keys)
    problems = Collector()
    outcome = Outcome()
    for name, key in keys.items():
        try:
            grid = load_grid(source, name)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        outcome.tables[name] = read_table(grid, key, package.path, problems, outcome.warnings)
        del grid
    outcome.problems = problems.problems
    return outcome


def can_fork() -> bool:
    """Is a forked helper both safe and useful here (Linux, two CPUs or more)?"""
    return sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) >= 2


def movable_sheets(package: Package) -> dict[str, str]:
    """The input sheets a helper can read (name → key), in workbook order: a repeated
    sheet's first spelling only (the repetition is an error the reader reports), and
    not the sheets whose number formats this process reads (:data:`PERCENT_SHEETS`)."""
    known: dict[str, str] = {}
    for name, member in package.members.items():
        key = SHEET_ALIASES.get(normalize_name(name)) if name and is_sheet_part(member) else None
        if key is not None and key not in known.values():
            known[name] = key
    return {name: key for name, key in known.items() if key not in PERCENT_SHEETS}


def plan(package: Package) -> dict[str, str]:
    """The sheets worth reading in a helper (name → key), in workbook order.

    The largest sheet stays here; each other sheet of :data:`MIN_SHEET_BYTES` or
    more, largest first, goes to the helper while the helper's share stays no
    larger than this process's, else it stays here too.
    """
    known = movable_sheets(package)
    size = {name: package.sizes.get(package.members[name], 0) for name in known}
    ordered = sorted(known, key=lambda name: -size[name])
    here, there = (size[ordered[0]], 0) if ordered else (0, 0)
    handed: set[str] = set()
    for name in ordered[1:]:
        if size[name] < MIN_SHEET_BYTES:
            break
        if there + size[name] <= here:
            handed.add(name)
            there += size[name]
        else:
            here += size[name]
    if there < MIN_HANDED_BYTES:
        return {}
    return {name: key for name, key in known.items() if name in handed}


class Aside:
    """A forked helper reading some sheets; use as a context manager around the read.

    :meth:`handoff` is given to :func:`~kpi.io.sources.open_source`; it forks the
    helper when :func:`plan` finds sheets worth it, and :meth:`collect` returns
    their :class:`Outcome`. Leaving the block without collecting kills the helper.
    """

    def __init__(self, enabled: bool = True) -> None:
        self._enabled = enabled
        self._package: Package | None = None
        self._keys: dict[str, str] = {}
        self._pid = 0
        self._pipe = -1

    @property
    def handed(self) -> frozenset[str]:
        """The sheets the helper reads (empty: it reads none, or there is none)."""
        return frozenset(self._keys)

    def handoff(self, package: Package) -> frozenset[str]:
        """Fork a helper for the sheets worth it; their names (empty: nothing forked)."""
        keys = plan(package) if self._enabled and can_fork() else {}
        if not keys:
            return frozenset()
        parent = os.getpid()
        try:
            read_end, write_end = os.pipe()
        except OSError:  # out of file descriptors: read everything here
            return frozenset()
        try:
            pid = os.fork()
        except OSError:  # a process limit (ulimit -u), no memory: read everything here
            os.close(read_end)
            os.close(write_end)
            return frozenset()
        if pid == 0:  # the helper: never returns
            os.close(read_end)
            _serve(package, keys, write_end, parent)
        os.close(write_end)
        self._package, self._keys = package, keys
        self._pid, self._pipe = pid, read_end
        return frozenset(keys)

    def collect(self) -> Outcome | None:
        """The helper's outcome (its read's file error raised here); None when nothing was handed off."""
        if self._package is None:
            return None
        with os.fdopen(self._pipe, "rb") as pipe:
            self._pipe = -1
            payload = pipe.read()
        self._reap()
        try:
            kind, value = pickle.loads(payload)
        except Exception:  # the helper died (killed, out of memory): read here instead
            kind, value = "failed", None
        if kind == "error":
            raise value
        if kind == "ok":
            return value
        return read_sheets(self._package, self._keys)

    def _reap(self) -> None:
        if self._pid:
            os.waitpid(self._pid, 0)
            self._pid = 0

    def __enter__(self) -> Aside:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pipe >= 0:
            os.close(self._pipe)
            self._pipe = -1
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            self._reap()


def _serve(package: Package, keys: dict[str, str], pipe: int, parent: int) -> None:
    """The helper's whole life: read, send the outcome (or the file's error), exit.

    ``os._exit`` skips the parent's exit handlers and buffered output, which belong
    to the parent. Anything unexpected is sent as ``failed``: the parent then reads
    the sheets itself and meets the same problem where it can report it. A parent
    killed outright (a batch job stopped with SIGKILL) takes the helper with it.
    """
    for stopping in STOPPING:  # the parent reports a stop; here it just ends the helper
        signal.signal(stopping, signal.SIG_DFL)
    _die_with(parent)
    code = 0
    try:
        try:
            message: tuple[str, object] = ("ok", read_sheets(package, keys))
        except InputError as exc:
            message = ("error", exc)
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # reported to the parent as "failed"
        payload, code = pickle.dumps(("failed", None)), 1
    try:
        with os.fdopen(pipe, "wb") as out:
            out.write(payload)
    except BaseException:  # the parent is gone, or reads the sheets itself
        code = 1
    os._exit(code)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with(parent: int) -> None:
    """Have the kernel kill this helper when ``parent`` ends (Linux's parent-death signal)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl: the helper ends on its own when done
        pass
    if os.getppid() != parent:  # the parent ended before the signal was armed
        os._exit(1)
