"""A progress display on stderr for runs longer than a second, when stderr is a terminal.

Used by the CLI only (the library never prints). Nothing at all is shown when
stderr is not a terminal (a pipe, a file, a test's captured output, CI logs),
and nothing for a run that ends within :data:`DELAY` seconds: a timer starts
rich's transient progress display after that delay, and it is erased when
the run ends, so the summary prints as it always did. rich.progress is only
imported when the display starts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

#: Seconds a run must last before the display appears.
DELAY = 1.0


class Tracker:
    """Counts finished steps; shows them once the display has started."""

    def __init__(self, console: Console, description: str, total: int | None, delay: float) -> None:
        self._console = console
        self._description = description
        self._total = total
        self._done = 0
        self._lock = threading.Lock()
        self._progress: Any = None
        self._task: Any = None
        self._closed = False
        self._began = time.monotonic()  # the elapsed time counts from the run's start
        self._timer = threading.Timer(delay, self._start)
        self._timer.daemon = True

    def _start(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        with self._lock:
            if self._closed:
                return
            columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
            if self._total is not None:
                columns += [BarColumn(), MofNCompleteColumn()]
            columns.append(TimeElapsedColumn())
            self._progress = Progress(
                *columns, console=self._console, transient=True, get_time=time.monotonic
            )
            self._task = self._progress.add_task(self._description, total=self._total, completed=self._done)
            self._progress.tasks[0].start_time = self._began
            self._progress.start()

    def advance(self, description: str | None = None) -> None:
        """One more step done (a workbook of a batch)."""
        with self._lock:
            self._done += 1
            if description is not None:
                self._description = description
            if self._progress is not None:
                self._progress.update(self._task, completed=self._done, description=self._description)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._progress is not None:
                self._progress.stop()
                self._progress = None


@contextmanager
def progress(
    console: Console, description: str, total: int | None = None, *, delay: float = DELAY
) -> Iterator[Tracker | None]:
    """A :class:`Tracker` shown after ``delay`` seconds on ``console`` — or None when the
    console's stream is not a terminal."""
    console = getattr(console, "real", console)  # the CLI's consoles are made on first use
    stream = console.file
    isatty = getattr(stream, "isatty", None)
    if not (console.is_terminal and isatty is not None and isatty()):
        yield None
        return
    tracker = Tracker(console, description, total, delay)
    tracker._timer.start()
    try:
        yield tracker
    finally:
        tracker.close()
