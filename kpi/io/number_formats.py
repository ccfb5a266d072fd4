"""Which cells of a sheet show their number as a percent (a number format such as ``0%``).

calamine hands over a percent-formatted cell as its stored number (95% is
0.95) and says nothing of the format; the reader warns when such a cell stands
in 目标值 or 完成值 (:mod:`kpi.io.plausibility`), so the format is read here from
the package: the styles part maps a cell's style index (``s="3"``) to a number
format, and a byte-level search of the sheet finds the cells carrying a
percent style. Only the sheets asked for are searched, and only when the
workbook has a percent style at all.
"""

from __future__ import annotations

import re
import zipfile

from defusedxml import ElementTree as SafeET

#: Excel's built-in percent formats: ``0%`` and ``0.00%``.
BUILTIN_PERCENT = frozenset({9, 10})

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')


def is_percent_format(code: str) -> bool:
    """Does the format code multiply by 100 (a ``%`` outside quotes, escapes and brackets)?"""
    return "%" in _QUOTED.sub("", code)


def percent_styles(archive: zipfile.ZipFile, styles: str) -> frozenset[int]:
    """Indexes into ``cellXfs`` of the styles whose number format is a percent."""
    if not styles:
        return frozenset()
    try:
        root = SafeET.fromstring(archive.read(styles))
    except Exception:  # no or malformed styles part: calamine copes, and so do we
        return frozenset()
    percent = set(BUILTIN_PERCENT)
    for element in root.iter():
        if element.tag.endswith("}numFmt") and is_percent_format(element.get("formatCode", "")):
            try:
                percent.add(int(element.get("numFmtId", "")))
            except ValueError:
                continue
    found: set[int] = set()
    for element in root.iter():
        if element.tag.endswith("}cellXfs"):
            for index, xf in enumerate(x for x in element if x.tag.endswith("}xf")):
                try:
                    if int(xf.get("numFmtId", "0")) in percent:
                        found.add(index)
                except ValueError:
                    continue
    return frozenset(found)


def percent_cells(sheet_xml: bytes, styles: frozenset[int]) -> set[tuple[int, int]]:
    """(row, column), both 1-based, of the cells of ``sheet_xml`` with a style in ``styles``."""
    cells: set[tuple[int, int]] = set()
    for style in styles:
        marker = b' s="%d"' % style
        pos = sheet_xml.find(marker)
        while pos >= 0:
            start = sheet_xml.rfind(b"<c", 0, pos)
            head_end = sheet_xml.find(b">", pos)
            # The marker must sit inside a cell's start tag (not a <row s="…">).
            if (
                start >= 0
                and sheet_xml[start + 2 : start + 3] in (b" ", b"\t", b"\n", b"\r")
                and (sheet_xml.find(b">", start) == head_end)
            ):
                ref = _CELL_REF.search(sheet_xml, start, head_end)
                if ref is not None:
                    col = 0
                    for ch in ref.group(1):
                        col = col * 26 + ch - 64
                    cells.add((int(ref.group(2)), col))
            pos = sheet_xml.find(marker, pos + len(marker))
    return cells
