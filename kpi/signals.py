"""SIGINT, SIGTERM and SIGHUP stop a run through an exception, so every cleanup runs.

Python's default for SIGTERM and SIGHUP is to die on the spot, which left a
half-written temporary file beside the results. The ``kpi`` command installs
:func:`install`: the first of these signals raises :class:`Interrupted` where
the program is (``finally`` blocks remove temporary files) and the command
exits with ``128 + signal number`` (130 for Ctrl-C, 143 for SIGTERM, 129 for
SIGHUP) after one line on stderr. Later signals are ignored so that they cannot
cut the cleanup short.

The library never installs handlers; it only holds these signals (:func:`held`)
for the instant a finished file is moved into place, so that a run is either
stopped before its results exist or after they are complete.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from kpi.i18n import Msg, _

STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(BaseException):
    """A stopping signal arrived; like KeyboardInterrupt, not an error of the run.

    ``written`` is set when the results file had already been placed, whole.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.written: Path | None = None

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def message(self) -> Msg:
        """What the stop did to one job: ``interrupted by SIGTERM`` (and whether its results
        file was written in full first), rendered where it is shown."""
        if self.written is not None:
            return _("interrupted by {signal} after its results file was written in full", signal=self.name)
        return _("interrupted by {signal}", signal=self.name)

    def run_message(self) -> Msg:
        """The one line a stopped single run prints (after ``error:``): what it left behind."""
        if self.written is not None:
            return _(
                "{file}: interrupted by {signal} after the file was written in full",
                file=str(self.written),
                signal=self.name,
            )
        return _("interrupted by {signal}: stopped, no results file written or changed", signal=self.name)

    def batch_message(self, written: int, total: int) -> Msg:
        """The one line a stopped batch prints (after ``error:``): how many results it wrote."""
        return _(
            "interrupted by {signal}: stopped; {written} of {total} results written",
            signal=self.name,
            written=written,
            total=total,
        )


_holding = 0
_pending: int | None = None


def _stop(signum: int, frame: FrameType | None) -> None:
    if not _holding:
        ignore_later()
    interrupt(signum)


def interrupt(signum: int) -> None:
    """Raise :class:`Interrupted` now — or, inside :func:`held`, when the block is done."""
    global _pending
    if _holding:  # inside held(): remember it, raise when the block is done
        if _pending is None:
            _pending = signum
        return
    raise Interrupted(signum)


def _ignored(signum: int, frame: FrameType | None) -> None:
    """A later stopping signal: the run is already stopping."""


def ignore_later() -> None:
    """Ignore further stopping signals, so they cannot cut a cleanup short.

    A handler that does nothing rather than ``SIG_IGN``: a signal already caught
    but not yet handled (the terminal's SIGINT, then a SIGTERM) would otherwise
    make Python print "Signal 15 ignored due to race condition" with a traceback.
    """
    for other in STOPPING:
        signal.signal(other, _ignored)


def install() -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` (main thread only)."""
    for signum in STOPPING:
        signal.signal(signum, _stop)


@contextmanager
def held() -> Iterator[None]:
    """Delay the stopping signals until the block is done; one that came is raised at its end.

    Blocking the signals in this thread is not enough: another thread (numpy's
    BLAS threads, say) may take a signal sent to the process, and Python then
    runs the handler in the main thread at once. So :func:`_stop` also defers
    while a block is held. Without our handlers (the library used alone) the
    mask still delays Python's own SIGINT handling where it can.
    """
    global _holding, _pending
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
        # Unblocking runs a handler for a signal that was blocked meanwhile, right here.
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        if not _holding and _pending is not None:
            signum, _pending = _pending, None
            ignore_later()
            raise Interrupted(signum)
