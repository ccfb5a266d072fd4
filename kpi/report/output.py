"""Safe output files: never over an input, never over a file without --force, always whole.

A results workbook goes straight to finance, so nothing may be lost or half
written, whatever happens while ``kpi`` runs:

* :func:`check_output` runs *before* anything is computed and finds every
  problem with the path that can be found then: an input or the rules as the
  target, a wrong suffix, a missing folder or a file where a folder should be,
  a name too long for the folder, an existing file without ``--force``, a
  read-only one, and — by creating and removing a temporary file there — a
  folder that is not writable, read-only, full (no inode left) or over quota.
* :func:`write_atomically` writes a temporary file in the same folder, flushes
  it to disk (``fsync``), gives it its mode (the umask's for a new file, the
  replaced file's with ``--force``) and then places it under the requested
  name. Without ``--force`` the placing step never replaces anything (a hard
  link, or ``renameat2(RENAME_NOREPLACE)``): a file that appeared under that
  name while ``kpi`` was computing is left alone and reported. With ``--force``
  it is an atomic rename. The folder is flushed after the rename.
* The temporary file is removed on every failure, on Ctrl-C, SIGTERM and
  SIGHUP (see :mod:`kpi.signals`); those signals are held for the instant of
  placing, so a run stops either before its file exists or after it is whole.
* Every OS error is an :class:`~kpi.errors.OutputError` located at the path.

``KPI_TEST_PAUSE_BEFORE_RENAME`` is for tests only: when set to a path, the
writer writes the temporary file's name there just before placing it and waits
until that file is removed, so a test can send a signal or race another run at
exactly that moment.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from kpi.errors import Location, OutputError
from kpi.i18n import Msg, _
from kpi.signals import Interrupted, held

#: Test-only hook (see the module docstring).
PAUSE_ENV = "KPI_TEST_PAUSE_BEFORE_RENAME"

_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS, errno.EXDEV}
_RANDOM_AND_SUFFIX = 8 + len(".tmp")  # tempfile's random part, then our suffix


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def _temp_prefix(out: Path) -> str:
    """``.results.xlsx.`` — or ``.kpi.`` when the name is too long to carry."""
    prefix = f".{out.name}."
    if len(os.fsencode(prefix)) + _RANDOM_AND_SUFFIX > _name_max(out.parent):
        return ".kpi."
    return prefix


def _os_message(exc: OSError, out: Path) -> Msg:
    """What an OS error means for writing ``out``, and what to do."""
    folder = str(out.parent)
    code = exc.errno
    if code == errno.ENAMETOOLONG:
        return _("the file name or path is too long for this file system: choose a shorter --out")
    if code == errno.ENOSPC:
        return _(
            "no space left in folder {folder} (the disk or its inodes are full): free some space "
            "or choose another --out",
            folder=folder,
        )
    if code == errno.EDQUOT:
        return _(
            "disk quota exceeded in folder {folder}: free some space or choose another --out", folder=folder
        )
    if code == errno.EROFS:
        return _("folder {folder} is on a read-only file system: choose another --out", folder=folder)
    if code == errno.ENOTDIR:
        return _("a part of the path is a file, not a folder: choose another --out")
    if code in (errno.EACCES, errno.EPERM):
        return _(
            "cannot write: {reason} (is it open in Excel or WPS, or is folder {folder} read-only?)",
            reason=exc.strerror,
            folder=folder,
        )
    if code == errno.ELOOP:
        return _("too many levels of symbolic links: choose another --out")
    return _("cannot write: {reason}", reason=exc.strerror or str(exc))


def check_output(out: Path, *, force: bool, inputs: Iterable[Path], suffix: str = ".xlsx") -> None:
    """Refuse, before any work, an output path that would destroy a file or cannot be written."""
    where = Location(str(out))
    try:
        _check_output(out, force, inputs, suffix, where)
    except OSError as exc:
        raise OutputError.single(_os_message(exc, out), where) from None
    except RuntimeError:  # Path.resolve on a symlink loop (Python 3.11)
        raise OutputError.single(
            _("too many levels of symbolic links: choose another --out"), where
        ) from None


def _check_output(out: Path, force: bool, inputs: Iterable[Path], suffix: str, where: Location) -> None:
    for source in inputs:
        if _same_file(out, source) or out.resolve() == source.resolve():
            raise OutputError.single(
                _(
                    "refusing to write the results over the input {input}: choose another --out",
                    input=str(source),
                ),
                where,
            )
    if out.suffix.lower() != suffix:
        raise OutputError.single(_("the output file must end in {suffix}", suffix=suffix), where)
    folder = out.parent
    if not folder.exists():
        raise OutputError.single(
            _("folder {folder} does not exist: create it or choose another --out", folder=str(folder)), where
        )
    if not folder.is_dir():
        raise OutputError.single(
            _("{folder} is a file, not a folder: choose another --out", folder=str(folder)), where
        )
    name_max = _name_max(folder)
    if len(os.fsencode(out.name)) > name_max:
        raise OutputError.single(
            _(
                "the file name is {length} bytes long, more than the {limit} this folder allows: "
                "choose a shorter --out",
                length=len(os.fsencode(out.name)),
                limit=name_max,
            ),
            where,
        )
    if out.is_dir():
        raise OutputError.single(_("is a folder, not a file: give a file name for --out"), where)
    if out.exists() and not force:
        raise OutputError.single(
            _("already exists: add --force to overwrite it, or choose another --out"), where
        )
    if out.exists() and not out.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise OutputError.single(
            _(
                "is read-only: make it writable or choose another --out (even --force never "
                "replaces a file marked read-only)"
            ),
            where,
        )
    if not os.access(folder, os.W_OK):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(folder))
        raise OutputError.single(_("folder {folder} is not writable", folder=str(folder)), where)
    # The only sure test of a folder: create a file there (read-only mounts, full
    # inode tables, quotas and name limits all show up here, before the run).
    with held():  # a signal between create and remove would leave the probe behind
        fd, probe = tempfile.mkstemp(prefix=_temp_prefix(out), suffix=".tmp", dir=folder)
        try:
            os.close(fd)
        finally:
            os.unlink(probe)


def write_atomically(out: Path, write: Callable[[Path], None], *, force: bool = False) -> None:
    """Call ``write(temp_path)``, then place the finished file at ``out``.

    Without ``force`` an existing ``out`` is never replaced, even one that
    appeared during the run; with it, ``out`` is replaced atomically.
    """
    temp: Path | None = None
    placed = False
    try:
        with held():  # so that `temp` names the file as soon as it exists
            fd, name = tempfile.mkstemp(prefix=_temp_prefix(out), suffix=".tmp", dir=out.parent)
            os.close(fd)
            temp = Path(name)
        write(temp)
        _settle(temp, out, force)
        _pause_for_tests(temp)
        with held():
            _place(temp, out, force)
            placed = True
            # The temporary name goes in the same held step: a signal landing after the
            # placing would otherwise stop the run before the `finally` below removed it.
            with contextlib.suppress(OSError):
                temp.unlink()  # after a hard link; already gone after a rename
            temp = None
            _sync_folder(out.parent)
    except OSError as exc:
        raise OutputError.single(_os_message(exc, out), Location(str(out))) from None
    except Interrupted as stop:
        if placed:
            stop.written = out
        raise
    finally:
        if temp is not None:  # not placed: remove it, even if a signal lands meanwhile
            with held(), contextlib.suppress(OSError):
                temp.unlink()


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)  # no /proc: read it by setting it (and put it back at once)
    os.umask(mask)
    return mask


def _settle(temp: Path, out: Path, force: bool) -> None:
    """Give ``temp`` its final mode (and owner, when replacing) and flush it to disk."""
    mode = 0o666 & ~_umask()
    if force:
        try:
            existing = os.stat(out)
        except FileNotFoundError:
            pass
        else:
            mode = stat.S_IMODE(existing.st_mode) & 0o777
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(temp, existing.st_uid, existing.st_gid)
    os.chmod(temp, mode)
    fd = os.open(temp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Flush the folder, so the new name survives a power cut."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _place(temp: Path, out: Path, force: bool) -> None:
    if force:
        os.replace(temp, out)
        return
    try:
        _place_new(temp, out)
    except FileExistsError:
        raise OutputError.single(
            _(
                "appeared while kpi was running (another run or program wrote it) and was left as it "
                "is; nothing written: add --force to replace it, or choose another --out"
            ),
            Location(str(out)),
        ) from None


def _place_new(temp: Path, out: Path) -> None:
    """Give ``temp``'s content the name ``out``; FileExistsError if ``out`` exists (never replaced)."""
    try:
        os.link(temp, out)  # fails with EEXIST rather than replace
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    if _rename_noreplace(temp, out):
        return
    _copy_exclusive(temp, out)


def _rename_noreplace(temp: Path, out: Path) -> bool:
    """``renameat2(RENAME_NOREPLACE)``; False where the system or file system lacks it."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, ImportError):
        return False
    at_fdcwd, rename_noreplace = -100, 1
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(temp), at_fdcwd, os.fsencode(out), rename_noreplace) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(out))


def _copy_exclusive(temp: Path, out: Path) -> None:
    """Last resort: create ``out`` exclusively and copy the finished file into it."""
    mode = stat.S_IMODE(os.stat(temp).st_mode)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        with os.fdopen(fd, "wb") as target, open(temp, "rb") as source:
            shutil.copyfileobj(source, target)
            target.flush()
            os.fchmod(target.fileno(), mode)
            os.fsync(target.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(out)
        raise


def _pause_for_tests(temp: Path) -> None:
    flag = os.environ.get(PAUSE_ENV)
    if not flag:
        return
    path = Path(flag)
    staged = path.with_name(path.name + ".part")
    staged.write_text(str(temp), encoding="utf-8")
    staged.replace(path)  # the test sees the flag only with the name in it
    deadline = time.monotonic() + 600
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
