"""Safe output files: never over an input, never without --force, always atomic.

A results workbook goes straight to finance, so a crash, a full disk or Ctrl-C
must never leave a half-written file under the requested name: everything is
written to a temporary file in the same folder and renamed over the target in
one step (``os.replace``), and the temporary file is removed on any failure.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from kpi.errors import Location, OutputError


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def check_output(out: Path, *, force: bool, inputs: Iterable[Path], suffix: str = ".xlsx") -> None:
    """Refuse an output path that would destroy an input or an earlier result."""
    where = Location(str(out))
    for source in inputs:
        if _same_file(out, source) or out.resolve() == source.resolve():
            raise OutputError.single(
                f"refusing to write the results over the input {source}: choose another --out",
                where,
            )
    if out.suffix.lower() != suffix:
        raise OutputError.single(f"the output file must end in {suffix}", where)
    if not out.parent.exists():
        raise OutputError.single(
            f"folder {out.parent} does not exist: create it or choose another --out", where
        )
    if out.is_dir():
        raise OutputError.single("is a folder, not a file: give a file name for --out", where)
    if out.exists() and not force:
        raise OutputError.single(
            "already exists: add --force to overwrite it, or choose another --out", where
        )
    if out.exists() and not out.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise OutputError.single(
            "is read-only: make it writable or choose another --out (even --force never "
            "replaces a file marked read-only)",
            where,
        )
    if not os.access(out.parent, os.W_OK):
        raise OutputError.single(f"folder {out.parent} is not writable", where)


def write_atomically(out: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temp_path)`` then rename the temporary file onto ``out``."""
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    temp = Path(name)
    try:
        write(temp)
        os.chmod(temp, 0o644)
        os.replace(temp, out)
    except PermissionError as exc:
        raise OutputError.single(
            f"cannot write: {exc.strerror or exc} (is it open in Excel or WPS, or read-only?)",
            Location(str(out)),
        ) from exc
    except OSError as exc:
        raise OutputError.single(f"cannot write: {exc.strerror or exc}", Location(str(out))) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
