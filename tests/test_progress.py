"""The progress display: only on a terminal, only for a run longer than its delay, erased after."""

from __future__ import annotations

import io
import time

from rich.console import Console

from kpi.progress import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True)  # even a console told it is one
    with progress(console, "scoring", total=3, delay=0) as tracker:
        time.sleep(0.2)
    assert tracker is None and stream.getvalue() == ""


def test_nothing_for_a_run_shorter_than_the_delay() -> None:
    stream = Terminal()
    console = Console(file=stream, force_terminal=True)
    with progress(console, "scoring", total=3, delay=60) as tracker:
        assert tracker is not None
        tracker.advance()
    assert stream.getvalue() == ""


def test_shown_on_a_terminal_after_the_delay_and_counts() -> None:
    stream = Terminal()
    console = Console(file=stream, force_terminal=True, width=80)
    with progress(console, "scoring", total=3, delay=0) as tracker:
        assert tracker is not None
        deadline = time.monotonic() + 30
        while "scoring" not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        tracker.advance()
        tracker.advance()
        time.sleep(0.3)
    shown = stream.getvalue()
    assert "scoring" in shown and "2/3" in shown
