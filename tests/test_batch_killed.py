"""A batch job's process that dies without a word (SIGKILL, the OOM killer): what it had
placed decides its outcome — nothing, its whole file, or part of a csv folder.

Each test runs a real process that does what a job does at the edge (place the results,
or some of them) and is then killed outright, so ``_collect`` sees exactly what it sees
in a batch: a closed pipe and a dead process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kpi.batch import FAILED, Job, Outcome, _collect, _placed
from kpi.report.batch_report import batch_json, batch_table

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _place_then_die(paths: list[str]) -> None:
    for path in paths:
        temp = f"{path}.tmp"
        Path(temp).write_bytes(b"whole")
        os.replace(temp, path)  # placed as the writer places: one rename
    os.kill(os.getpid(), signal.SIGKILL)


def _killed(job: Job, placing: list[Path], before_start: Callable[[], None] = lambda: None) -> Outcome:
    """Run a process that places ``placing`` and is killed; collect it as the batch does."""
    before_start()
    before = _placed(job)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_place_then_die, args=([str(p) for p in placing],))
    process.start()
    send.close()
    return _collect(process, receive, job, before)


def _job(tmp_path: Path, fmt: str = "xlsx", *, force: bool = False) -> Job:
    out = tmp_path / ("区-2024Q3-results" + {"xlsx": ".xlsx", "json": ".json", "csv": ""}[fmt])
    return Job(tmp_path / "区-2024Q3.xlsx", tmp_path / "rules.yaml", None, out, fmt, "en", force)


def test_killed_before_placing_reports_nothing_written(tmp_path: Path) -> None:
    outcome = _killed(_job(tmp_path), [])
    assert outcome.status == FAILED and not outcome.written
    message = outcome.problems[0].text(lang="en")
    assert "killed by SIGKILL" in message and "nothing written" in message
    assert batch_json([outcome])["runs"][0]["output"] is None


def test_killed_just_after_placing_reports_the_whole_file(tmp_path: Path) -> None:
    job = _job(tmp_path)
    outcome = _killed(job, [job.out])
    # Still a failure (the run did not finish its report: exit 1), but the file is named
    # as written, whole: the count of a stopped batch and the --json output include it.
    assert outcome.status == FAILED and outcome.written
    message = outcome.problems[0].text(lang="en")
    assert "killed by SIGKILL" in message and f"{job.out} is whole" in message
    assert batch_json([outcome])["runs"][0]["output"] == str(job.out)
    assert str(job.out) in "".join(str(cell) for cell in batch_table([outcome], "en").columns[5].cells)


def test_with_force_a_replaced_file_counts_and_an_untouched_one_does_not(tmp_path: Path) -> None:
    job = _job(tmp_path, "json", force=True)

    def old_results() -> None:
        job.out.write_bytes(b"an earlier run's results, much longer than the new one")

    assert not _killed(job, [], old_results).written  # the old file is still there, untouched
    assert _killed(job, [job.out], old_results).written


def test_a_csv_folder_is_whole_once_its_last_file_is_placed(tmp_path: Path) -> None:
    job = _job(tmp_path, "csv")
    job.out.mkdir()
    some = [job.out / "individuals.csv", job.out / "departments.csv"]
    partly = _killed(job, some)
    assert not partly.written
    message = partly.problems[0].text(lang="en")
    assert "after writing 2 of its files" in message and "--force" in message

    whole = _killed(job, [*some, job.out / "run_info.csv"])
    assert whole.written and f"{job.out} is whole" in whole.problems[0].text(lang="en")


def test_the_messages_are_in_chinese_too(tmp_path: Path) -> None:
    csv = _job(tmp_path / "csv", "csv")
    csv.out.mkdir(parents=True)
    outcomes = [
        _killed(_job(tmp_path / "none"), [], (tmp_path / "none").mkdir),
        _killed(_job(tmp_path), [_job(tmp_path).out]),
        _killed(csv, [csv.out / "individuals.csv"]),
    ]
    for outcome in outcomes:
        text = outcome.problems[0].text(lang="zh")
        assert "SIGKILL" in text and any("\u4e00" <= ch <= "\u9fff" for ch in text), text
