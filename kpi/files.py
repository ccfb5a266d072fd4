"""Reading an input file: a regular file only, and never more than a bound.

Every file ``kpi`` reads (the input workbook, the rules, a results workbook to
verify) comes through :func:`read_regular`:

* only a *regular* file is read. A named pipe (FIFO) would block the reader
  forever, and a device such as ``/dev/zero`` (or a symlink to one) reports a
  size of 0 but never ends; both are refused before a byte is read. The file is
  opened without blocking and checked again on the open descriptor, so it cannot
  be swapped for a pipe between the check and the read;
* at most ``limit`` bytes are read: a file whose size is over the limit is
  refused from its size, and the read itself stops one byte past the limit, so
  a file that grows while it is read is refused too.

The errors are :class:`FileProblem` with a message; each caller puts it at its
own location and error type (an input, a rules or a results error).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO


class FileProblem(Exception):
    """A file that cannot be read; ``str()`` is the message (without the path).

    ``reason`` is ``"missing"``, ``"folder"``, ``"special"`` (a pipe, a device,
    a socket), ``"size"`` (over the limit) or ``"os"`` (unreadable).
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _not_regular(path: Path, mode: int) -> FileProblem:
    real = os.path.realpath(path)
    target = f" (it leads to {real})" if real != os.path.abspath(path) else ""
    return FileProblem(f"is {_kind(mode)}{target}, not a regular file: give the file itself", "special")


def describe_os_error(exc: OSError) -> str:
    """Words for an OS error, without the path (the location carries it)."""
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name or path is too long"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (the file is not readable by this user)"
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    return exc.strerror or str(exc)


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises :class:`FileProblem`: missing, a folder, not a regular file,
    unreadable, or larger than ``limit`` (the message gives the size and the limit).
    """
    file = Path(path)
    try:
        info = os.stat(file)
    except FileNotFoundError:
        raise FileProblem("file not found", "missing") from None
    except OSError as exc:
        raise FileProblem(f"cannot read the file: {describe_os_error(exc)}", "os") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileProblem("is a folder, not a file", "folder")
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(file, info.st_mode)
    _check_size(info.st_size, limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(file, flags)
    except FileNotFoundError:
        raise FileProblem("file not found", "missing") from None
    except OSError as exc:
        raise FileProblem(f"cannot read the file: {describe_os_error(exc)}", "os") from None
    with os.fdopen(fd, "rb") as stream:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped since the check above
            raise _not_regular(file, opened.st_mode)
        _check_size(opened.st_size, limit)
        try:
            data = _read_at_most(stream, limit + 1, opened.st_size + 1)
        except OSError as exc:
            raise FileProblem(f"cannot read the file: {describe_os_error(exc)}", "os") from None
    if len(data) > limit:
        raise FileProblem(f"the file grew past the {_mib(limit)} limit while it was read", "size")
    return data


def _read_at_most(stream: BinaryIO, most: int, expected: int) -> bytes:
    """Up to ``most`` bytes; the first read asks for the expected size only (a read of
    ``n`` bytes allocates ``n`` at once, and the limit is far above most files)."""
    parts: list[bytes] = []
    total = 0
    while total < most:
        chunk = stream.read(min(max(expected - total, 1 << 20), most - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _mib(size: int) -> str:
    if size >= 1024**2:
        return f"{size / 1024**2:,.0f} MiB"
    return f"{size / 1024:,.0f} KiB"


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        shown, most = _mib(size), _mib(limit)
        if shown == most:  # close to the limit: say it in bytes
            shown, most = f"{size:,} bytes", f"{limit:,} bytes"
        raise FileProblem(f"the file is {shown}, more than the {most} this tool reads", "size")
