"""Output paths: checked before computing, never replaced without --force, every OS error exit 1.

The no-replace race is run with two real ``kpi`` processes: the first one is
held just before it places its file (``KPI_TEST_PAUSE_BEFORE_RENAME``) while
the second one writes the same new ``--out``. Full disks and inode tables are
real tmpfs mounts, skipped (with the reason) where the test cannot mount one.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.process import child_env, lines, run_kpi, start_kpi, wait_for
from support.worked import Worked
from typer.testing import CliRunner

from kpi.cli import app
from kpi.report import output, workbook

runner = CliRunner()


def score(worked: Worked, out: Path, *extra: str, book: Path | None = None) -> tuple[int, list[str]]:
    result = runner.invoke(
        app,
        [
            "score",
            str(book or worked.input),
            "--rules",
            str(worked.rules),
            "--period",
            "2024Q3",
            "--out",
            str(out),
            "-q",
            *extra,
        ],
    )
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, [line for line in result.output.splitlines() if line.startswith("error: ")]


@pytest.fixture
def not_a_workbook(tmp_path: Path) -> Path:
    """An input that fails as soon as it is read: an output error that shows alone came first."""
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    return path


# found before computing ------------------------------------------------------------------


def test_name_too_long_is_refused_before_computing(worked: Worked, tmp_path: Path, not_a_workbook: Path):
    out = tmp_path / ("结果" * 50 + ".xlsx")  # 305 bytes in UTF-8; most file systems allow 255
    code, errors = score(worked, out, book=not_a_workbook)
    assert code == 1
    assert errors == [
        f"error: {out}: the file name is 305 bytes long, more than the 255 this folder allows: "
        "choose a shorter --out"
    ]


def test_parent_that_is_a_file_is_refused_before_computing(
    worked: Worked, tmp_path: Path, not_a_workbook: Path
):
    parent = tmp_path / "report.txt"
    parent.write_text("a file", encoding="utf-8")
    out = parent / "r.xlsx"
    code, errors = score(worked, out, book=not_a_workbook)
    assert code == 1
    assert errors == [f"error: {out}: {parent} is a file, not a folder: choose another --out"]


def test_name_just_under_the_limit_works_and_leaves_no_temp_file(worked: Worked, tmp_path: Path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / ("r" * 250 + ".xlsx")  # 255 bytes: the temporary file needs a shorter name
    code, errors = score(worked, out)
    assert (code, errors) == (0, [])
    assert [p.name for p in folder.iterdir()] == [out.name]


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a small tmpfs (root only); skip, saying why, where that is not possible."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        command = shutil.which("mount")
        if command is None:
            pytest.skip("no mount command here: cannot make a small file system to fill")
        target = tmp_path / f"tmpfs{len(mounted)}"
        target.mkdir()
        done = subprocess.run(
            [command, "-t", "tmpfs", "-o", options, "kpi-test", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip() or f"exit {done.returncode}"
            pytest.skip(f"cannot mount a tmpfs ({reason}): run the tests as root to cover a full disk")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        subprocess.run(["umount", str(target)], capture_output=True, check=False)


def test_no_inode_left_is_found_before_computing(worked: Worked, tmpfs, not_a_workbook: Path):
    folder = tmpfs("size=1m,nr_inodes=1")  # the root folder takes the only inode
    out = folder / "r.xlsx"
    code, errors = score(worked, out, book=not_a_workbook)
    assert code == 1
    assert errors == [
        f"error: {out}: no space left in folder {folder} (the disk or its inodes are full): "
        "free some space or choose another --out"
    ]
    assert list(folder.iterdir()) == []


def test_read_only_file_system_is_found_before_computing(worked: Worked, tmpfs, not_a_workbook: Path):
    folder = tmpfs("size=1m,ro")
    out = folder / "r.xlsx"
    code, errors = score(worked, out, book=not_a_workbook)
    assert code == 1
    assert errors == [f"error: {out}: folder {folder} is on a read-only file system: choose another --out"]


def test_disk_full_while_writing_is_exit_1_and_leaves_nothing(worked: Worked, tmpfs):
    folder = tmpfs("size=8k,nr_inodes=64")  # two pages: the 11 KB results do not fit
    out = folder / "r.xlsx"
    code, errors = score(worked, out)
    assert code == 1
    assert errors == [
        f"error: {out}: no space left in folder {folder} (the disk or its inodes are full): "
        "free some space or choose another --out"
    ]
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "no space left in folder"),
        (errno.EDQUOT, "disk quota exceeded"),
        (errno.EROFS, "read-only file system"),
        (errno.EACCES, "cannot write: Permission denied"),
        (errno.EIO, "cannot write: Input/output error"),
        (errno.ENAMETOOLONG, "too long"),
        (errno.ENOTDIR, "not a folder"),
    ],
)
def test_every_os_error_while_writing_is_exit_1_at_the_path(
    worked: Worked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
):
    def failing(path, sheets, lang, created):
        Path(path).write_bytes(b"half")
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(workbook, "write_workbook", failing)
    out = tmp_path / "r.xlsx"
    exit_code, errors = score(worked, out)
    assert exit_code == 1
    [line] = errors
    assert line.startswith(f"error: {out}: ") and words in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.xlsx", "rules.yaml"]


# never replaced without --force ---------------------------------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_concurrent_runs_to_one_new_out(worked: Worked, tmp_path: Path):
    """Run A is held before placing its file; run B writes the same new --out meanwhile."""
    folder = tmp_path / "results"
    folder.mkdir()
    out = folder / "r.xlsx"
    flag = tmp_path / "pause"
    args = ("score", str(worked.input), "--rules", str(worked.rules), "--period", "2024Q3", "-q")
    first = start_kpi(*args, "--out", str(out), env=child_env(KPI_TEST_PAUSE_BEFORE_RENAME=str(flag)))
    try:
        wait_for(lambda: flag.exists(), "run A to finish its temporary file", first)
        temp = Path(flag.read_text(encoding="utf-8"))
        assert temp.parent == folder and temp.stat().st_size > 0 and not out.exists()
        second = run_kpi(*args, "--out", str(out), "--lang", "en")
        assert second.returncode == 0, second
        assert lines(second.stdout) == []  # -q: nothing on stdout on success
        assert out.exists()
        before = (digest(out), out.stat().st_ino)
        flag.unlink()  # let run A go on
        stdout, stderr = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 1, (stdout, stderr)
    assert stdout == b""
    assert lines(stderr) == [
        f"error: {out}: appeared while kpi was running (another run or program wrote it) and was "
        "left as it is; nothing written: add --force to replace it, or choose another --out",
        "1 problem found; nothing written.",
    ]
    assert (digest(out), out.stat().st_ino) == before  # run B's English workbook, untouched
    assert [p.name for p in folder.iterdir()] == ["r.xlsx"]


def file_appears_meanwhile(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program saves ``out`` while kpi writes its temporary file."""
    real = workbook.write_workbook

    def write_and_race(path, sheets, lang, created):
        real(path, sheets, lang, created)
        out.write_bytes(b"someone else's file")

    monkeypatch.setattr(workbook, "write_workbook", write_and_race)


def check_not_replaced(worked: Worked, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    code, errors = score(worked, out)
    assert code == 1
    assert len(errors) == 1 and errors[0].startswith(f"error: {out}: appeared while kpi was running")
    assert out.read_bytes() == b"someone else's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.xlsx", "r.xlsx", "rules.yaml"]


def test_file_that_appears_meanwhile_is_not_replaced(worked: Worked, tmp_path: Path, monkeypatch):
    file_appears_meanwhile(tmp_path / "r.xlsx", monkeypatch)
    check_not_replaced(worked, tmp_path)


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def no_hard_links(*args: object, **kwargs: object) -> None:
    raise OSError(errno.EPERM, "Operation not permitted")


def test_without_hard_links_renameat2_never_replaces(worked: Worked, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(output.os, "link", no_hard_links)
    assert score(worked, tmp_path / "new.xlsx") == (0, [])
    assert stat.S_IMODE((tmp_path / "new.xlsx").stat().st_mode) == 0o666 & ~current_umask()
    (tmp_path / "new.xlsx").unlink()
    file_appears_meanwhile(tmp_path / "r.xlsx", monkeypatch)
    check_not_replaced(worked, tmp_path)


def test_without_links_or_renameat2_an_exclusive_copy(worked: Worked, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(output.os, "link", no_hard_links)
    monkeypatch.setattr(output, "_rename_noreplace", lambda temp, out: False)
    assert score(worked, tmp_path / "new.xlsx") == (0, [])
    assert stat.S_IMODE((tmp_path / "new.xlsx").stat().st_mode) == 0o666 & ~current_umask()
    (tmp_path / "new.xlsx").unlink()
    file_appears_meanwhile(tmp_path / "r.xlsx", monkeypatch)
    check_not_replaced(worked, tmp_path)


def test_force_replaces_a_file_that_appears_meanwhile(worked: Worked, tmp_path: Path, monkeypatch):
    out = tmp_path / "r.xlsx"
    file_appears_meanwhile(out, monkeypatch)
    assert score(worked, out, "--force") == (0, [])
    assert out.read_bytes()[:2] == b"PK"


# modes and fsync -----------------------------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600), (0o002, 0o664)])
def test_new_results_follow_the_umask(worked: Worked, tmp_path: Path, umask: int, mode: int):
    previous = os.umask(umask)
    try:
        assert score(worked, tmp_path / "r.xlsx") == (0, [])
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "r.xlsx").stat().st_mode) == mode


def test_real_process_follows_the_umask(worked: Worked, tmp_path: Path):
    out = tmp_path / "r.xlsx"
    done = run_kpi(
        "score", str(worked.input), "--rules", str(worked.rules), "--period", "2024Q3", "--out", str(out),
        "-q", preexec_fn=lambda: os.umask(0o077),
    )  # fmt: skip
    assert done.returncode == 0, done
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_force_keeps_the_mode_of_the_file_it_replaces(worked: Worked, tmp_path: Path):
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"bonus data of last quarter")
    out.chmod(0o600)
    assert score(worked, out, "--force") == (0, [])
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes()[:2] == b"PK"


def test_file_and_folder_are_flushed_around_the_rename(
    worked: Worked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    events: list[tuple[str, str]] = []
    real_fsync, real_link = os.fsync, os.link

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def link(src, dst, *args, **kwargs):
        events.append(("link", str(dst)))
        real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(output.os, "fsync", fsync)
    monkeypatch.setattr(output.os, "link", link)
    out = tmp_path / "r.xlsx"
    assert score(worked, out) == (0, [])
    assert [kind for kind, _ in events] == ["fsync", "link", "fsync"]
    assert Path(events[0][1]).name.startswith(".r.xlsx.")  # the temporary file, before
    assert events[1][1] == str(out)
    assert events[2][1] == str(tmp_path)  # the folder, after
