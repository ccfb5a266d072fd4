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
own location and error type (an input, a rules or a results error), passing
``problem.message`` as a parameter of its own message so it stays translatable.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from kpi.i18n import Msg, _


class FileProblem(Exception):
    """A file that cannot be read; ``message`` (also ``str()``, in English) says why,
    without the path.

    ``reason`` is ``"missing"``, ``"folder"``, ``"special"`` (a pipe, a device,
    a socket), ``"size"`` (over the limit) or ``"os"`` (unreadable).
    """

    def __init__(self, message: Msg, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def _kind(mode: int) -> Msg:
    if stat.S_ISFIFO(mode):
        return _("a named pipe (FIFO)")
    if stat.S_ISCHR(mode):
        return _("a character device")
    if stat.S_ISBLK(mode):
        return _("a block device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


def _not_regular(path: Path, mode: int) -> FileProblem:
    real = os.path.realpath(path)
    if real != os.path.abspath(path):
        message = _(
            "is {kind} (it leads to {target}), not a regular file: give the file itself",
            kind=_kind(mode),
            target=real,
        )
    else:
        message = _("is {kind}, not a regular file: give the file itself", kind=_kind(mode))
    return FileProblem(message, "special")


def describe_os_error(exc: OSError) -> str:
    """Words for an OS error, without the path (the location carries it): a
    :class:`~kpi.i18n.Msg`, or the system's own words for a rare error."""
    if exc.errno == errno.ENAMETOOLONG:
        return _("the file name or path is too long")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("permission denied (the file is not readable by this user)")
    if exc.errno == errno.ELOOP:
        return _("too many levels of symbolic links")
    if exc.errno == errno.ENOTDIR:
        return _("a part of the path is a file, not a folder")
    return exc.strerror or str(exc)


def _unreadable(exc: OSError) -> FileProblem:
    return FileProblem(_("cannot read the file: {reason}", reason=describe_os_error(exc)), "os")


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises :class:`FileProblem`: missing, a folder, not a regular file,
    unreadable, or larger than ``limit`` (the message gives the size and the limit).
    """
    file = Path(path)
    try:
        info = os.stat(file)
    except FileNotFoundError:
        raise FileProblem(_("file not found"), "missing") from None
    except OSError as exc:
        raise _unreadable(exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise FileProblem(_("is a folder, not a file"), "folder")
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(file, info.st_mode)
    _check_size(info.st_size, limit)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(file, flags)
    except FileNotFoundError:
        raise FileProblem(_("file not found"), "missing") from None
    except OSError as exc:
        raise _unreadable(exc) from None
    with os.fdopen(fd, "rb") as stream:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped since the check above
            raise _not_regular(file, opened.st_mode)
        _check_size(opened.st_size, limit)
        try:
            data = _read_at_most(stream, limit + 1, opened.st_size + 1)
        except OSError as exc:
            raise _unreadable(exc) from None
    if len(data) > limit:
        grew = _("the file grew past the {limit} limit while it was read", limit=_mib(limit))
        raise FileProblem(grew, "size")
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
    """A size in MiB or KiB (the same in every language)."""
    if size >= 1024**2:
        return f"{size / 1024**2:,.0f} MiB"
    return f"{size / 1024:,.0f} KiB"


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        shown: str = _mib(size)
        most: str = _mib(limit)
        if shown == most:  # close to the limit: say it in bytes
            shown, most = _("{n:,} bytes", n=size), _("{n:,} bytes", n=limit)
        raise FileProblem(
            _("the file is {size}, more than the {limit} this tool reads", size=shown, limit=most), "size"
        )
