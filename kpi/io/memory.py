"""Will reading a workbook fit in memory? Decided from the zip directory, before reading.

calamine is Rust: when an allocation fails it aborts the whole process with a
backtrace (exit 134) instead of raising, so running out of memory while reading
cannot be caught. It is foreseen instead: the declared uncompressed size of the
workbook's XML parts (the zip directory says it before anything is inflated)
times :data:`READ_FACTOR` is compared with the memory this process can still
get — the least of the room under the address-space limit (``ulimit -v``), the
data limit (``ulimit -d``), the container's (cgroup v2) limit, and the memory
the machine has available (``MemAvailable`` plus free swap). A workbook that
does not fit is refused with one line saying how much it needs and what limits it.
"""

from __future__ import annotations

import resource
from pathlib import Path

from kpi.errors import InputError
from kpi.i18n import _
from kpi.io.safety import input_error

#: Bytes of memory reading takes per byte of sheet XML: calamine's grid, then
#: Python's cell objects. Measured with ``kpi validate`` on generated workbooks:
#: 51 MB of XML (200,000 events) grew the address space by 134 MB (2.6x), and
#: 267 MB of XML (1,000,000 events) by 672 MB (2.5x); 3 leaves a margin.
READ_FACTOR = 3

_MIB = 1024**2


def _status(field: str) -> int | None:
    """A ``kB`` field of /proc/self/status (VmSize, VmData), in bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _meminfo() -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                name, __, rest = line.partition(":")
                parts = rest.split()
                if parts and parts[0].isdigit():
                    values[name] = int(parts[0]) * 1024
    except OSError:
        pass
    return values


def _cgroup_room() -> int | None:
    """What the cgroup v2 memory limit still allows this process's group, if there is one."""
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as groups:
            path = next((line[3:].strip() for line in groups if line.startswith("0::")), None)
        if path is None:
            return None
        folder = Path("/sys/fs/cgroup") / path.lstrip("/")
        limit = (folder / "memory.max").read_text(encoding="ascii").strip()
        if limit == "max":
            return None
        return int(limit) - int((folder / "memory.current").read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _limit_room(limit: int, used_field: str) -> int | None:
    soft, __ = resource.getrlimit(limit)
    if soft == resource.RLIM_INFINITY:
        return None
    used = _status(used_field)
    return soft - used if used is not None else soft


def available() -> tuple[int, str] | None:
    """The memory this process can still get and what limits it; None when nothing tells."""
    rooms: list[tuple[int, str]] = []
    room = _limit_room(resource.RLIMIT_AS, "VmSize")
    if room is not None:
        rooms.append((room, _("the address-space limit (ulimit -v)")))
    room = _limit_room(resource.RLIMIT_DATA, "VmData")
    if room is not None:
        rooms.append((room, _("the data-size limit (ulimit -d)")))
    room = _cgroup_room()
    if room is not None:
        rooms.append((room, _("the container's memory limit")))
    info = _meminfo()
    if "MemAvailable" in info:
        rooms.append(
            (info["MemAvailable"] + info.get("SwapFree", 0), _("the memory available on this machine"))
        )
    return min(rooms) if rooms else None


def check_memory(path: str, xml_bytes: int) -> None:
    """Refuse a workbook whose reading would not fit in the memory left (see the module doc)."""
    need = READ_FACTOR * xml_bytes
    room = available()
    if room is None or need <= room[0]:
        return
    left, what = room
    raise _too_big(path, need, xml_bytes, max(left, 0), what)


def _too_big(path: str, need: int, xml_bytes: int, left: int, what: str) -> InputError:
    return input_error(
        path,
        _(
            "reading this workbook needs about {need:,.0f} MiB of memory (its sheets are {xml:,.0f} MiB "
            "of XML), more than the {left:,.0f} MiB left under {what}: close other programs, raise the "
            "limit, or split the workbook",
            need=need / _MIB,
            xml=xml_bytes / _MIB,
            left=left / _MIB,
            what=what,
        ),
    )


def out_of_memory(path: str, sheet: str | None = None) -> InputError:
    """The error for a MemoryError raised while reading (where one is raised at all)."""
    if sheet:
        message = _(
            "not enough memory to read sheet {sheet}: close other programs, raise the memory limit, "
            "or split the workbook",
            sheet=sheet,
        )
    else:
        message = _(
            "not enough memory to read the workbook: close other programs, raise the memory limit, "
            "or split the workbook"
        )
    return input_error(path, message, sheet=sheet)
