"""Where an OOXML package keeps each sheet, and which date system the workbook uses.

calamine names the sheets but not the XML member behind each, which is what
ties a :class:`~kpi.io.xml_scan.SheetScan` to its sheet; and the 1904 date
flag sits in the workbook part. Both are read from the package's relationships
with :mod:`defusedxml`, after the safety scan has passed the parts they read.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath

from defusedxml import ElementTree as SafeET


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML member, from the workbook part and its relationships.

    The key ``""`` holds the workbook part itself. Anything unexpected gives an
    empty map: the scan results then simply go unused.
    """
    try:
        root_rels = SafeET.fromstring(archive.read("_rels/.rels"))
        workbook = next(
            r.get("Target", "") for r in root_rels if r.get("Type", "").endswith("/officeDocument")
        ).lstrip("/")
        folder = PurePosixPath(workbook).parent
        rels_path = str(folder / "_rels" / (PurePosixPath(workbook).name + ".rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in SafeET.fromstring(archive.read(rels_path))}
        members = {"": workbook}
        for sheet in SafeET.fromstring(archive.read(workbook)).iter():
            if not sheet.tag.endswith("}sheet"):
                continue
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            member = target.lstrip("/") if target.startswith("/") else str(folder / target)
            members[sheet.get("name", "")] = _normalise_member(member)
        return members
    except Exception:  # a malformed but calamine-readable workbook: no scan mapping
        return {}


def _normalise_member(member: str) -> str:
    parts: list[str] = []
    for piece in member.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def is_date1904(archive: zipfile.ZipFile, workbook: str) -> bool:
    """Does the workbook count dates from 1904 (old Mac Excel)?"""
    if not workbook:
        return False
    try:
        root = SafeET.fromstring(archive.read(workbook))
    except Exception:
        return False
    for element in root.iter():
        if element.tag.endswith("}workbookPr"):
            return element.get("date1904", "").lower() in ("1", "true")
    return False


def related_part(archive: zipfile.ZipFile, workbook: str, kind: str) -> str:
    """The member of the workbook's part of ``kind`` (``styles``), or ``""`` when there is none."""
    if not workbook:
        return ""
    folder = PurePosixPath(workbook).parent
    rels_path = str(folder / "_rels" / (PurePosixPath(workbook).name + ".rels"))
    try:
        for rel in SafeET.fromstring(archive.read(rels_path)):
            if rel.get("Type", "").endswith(f"/{kind}"):
                target = rel.get("Target", "")
                member = target.lstrip("/") if target.startswith("/") else str(folder / target)
                return _normalise_member(member)
    except Exception:  # a malformed but calamine-readable workbook: no such part
        return ""
    return ""
