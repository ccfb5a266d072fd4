"""Rebuild and check the message catalogue (a development tool; needs Babel).

    python -m kpi.i18n.catalogue update    # extract _() and N_() from kpi/ into kpi.po
    python -m kpi.i18n.catalogue compile   # kpi.po → kpi.mo
    python -m kpi.i18n.catalogue check     # exit 1, listing what is missing or stale

The source is ``kpi/locale/zh_CN/LC_MESSAGES/kpi.po``: one entry per English
message (the msgid) with its Chinese (the msgstr), sorted by msgid, each with the
files that use it (``#: kpi/files.py``; no line numbers, so moving code does not
change the catalogue). ``update`` keeps the existing translations, adds new
messages with an empty msgstr, marks a message whose English changed slightly as
``fuzzy`` with the old Chinese as a hint, and drops messages no longer in the code.
``compile`` writes ``kpi.mo`` (read at run time with the standard ``gettext``);
the same ``kpi.po`` always gives the same bytes. Both files are committed.
"""

from __future__ import annotations

import io
import string
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from kpi.i18n import DOMAIN, LOCALE_DIR

PACKAGE = Path(__file__).resolve().parent.parent
PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None}
HEADER = """\
# Chinese (Simplified) messages of kpi. The msgid is the English text.
# Edit the msgstr lines only; rebuild with `python -m kpi.i18n.catalogue update`
# and `python -m kpi.i18n.catalogue compile` (see docs/messages.md).
#"""
#: Fixed header dates: the catalogue changes only when its messages do.
FIXED = datetime(2025, 1, 1)


def extract() -> Catalog:
    """Every ``_()`` and ``N_()`` message of the package, with the files that use it."""
    template = Catalog(domain=DOMAIN, project="kpi", creation_date=FIXED, fuzzy=False)
    found = extract_from_dir(str(PACKAGE), [("**.py", "python")], keywords=KEYWORDS)
    for filename, lineno, message, comments, context in found:
        path = f"{PACKAGE.name}/{Path(filename).as_posix()}"
        template.add(message, locations=[(path, lineno)], auto_comments=comments, context=context)
    return template


def _new() -> Catalog:
    return Catalog(
        locale="zh_CN",
        domain=DOMAIN,
        project="kpi",
        header_comment=HEADER,
        creation_date=FIXED,
        revision_date=FIXED,
        language_team="zh_CN",
        fuzzy=False,
    )


def _read(path: Path) -> Catalog:
    with open(path, "rb") as stream:
        return read_po(stream, locale="zh_CN", domain=DOMAIN)


def updated() -> bytes:
    """The text ``update`` writes: the current ``kpi.po`` merged with the code's messages."""
    catalog = _read(PO) if PO.exists() else _new()
    catalog.update(extract(), update_creation_date=False)
    catalog.obsolete.clear()
    out = io.BytesIO()
    write_po(out, catalog, width=0, sort_output=True, ignore_obsolete=True, include_lineno=False)
    return out.getvalue()


def compiled() -> bytes:
    """The bytes ``compile`` writes for the current ``kpi.po`` (fuzzy entries left out)."""
    out = io.BytesIO()
    write_mo(out, _read(PO), use_fuzzy=False)
    return out.getvalue()


def placeholders(text: str) -> list[str]:
    """The placeholder names of ``text``, sorted; raises ValueError for a broken one."""
    return sorted({name for _t, name, _s, _c in string.Formatter().parse(text) if name is not None})


def problems() -> Iterator[str]:
    """What is wrong with the catalogue: one line each."""
    template = extract()
    if not PO.exists():
        yield f"{PO} is missing: run `python -m kpi.i18n.catalogue update`"
        return
    catalog = _read(PO)
    for message in template:
        if not message.id:
            continue
        msgid = str(message.id)
        where = ", ".join(sorted({path for path, _line in message.locations}))
        try:
            names = placeholders(msgid)
        except ValueError as exc:
            yield f"{where}: {msgid!r}: broken placeholder ({exc})"
            continue
        if any(not name or name.isdigit() for name in names):
            yield f"{where}: {msgid!r}: use named placeholders such as {{size}}, not {{}} or {{0}}"
        entry = catalog.get(msgid)
        if entry is None:
            yield f"{where}: {msgid!r} is not in kpi.po: run update, then translate it"
            continue
        if not entry.string:
            yield f"{where}: {msgid!r} has no Chinese translation"
            continue
        if entry.fuzzy:
            yield f"{where}: {msgid!r} is marked fuzzy: check the Chinese, then remove the fuzzy flag"
        try:
            zh_names = placeholders(str(entry.string))
        except ValueError as exc:
            yield f"{where}: {msgid!r}: the Chinese has a broken placeholder ({exc})"
            continue
        if zh_names != names:
            yield f"{where}: {msgid!r}: the Chinese has placeholders {zh_names}, the English {names}"
    known = {str(m.id) for m in template if m.id}
    for entry in catalog:
        if entry.id and str(entry.id) not in known:
            yield f"kpi.po: {str(entry.id)!r} is no longer used in kpi/: run update"
    if PO.read_bytes() != updated():
        yield "kpi.po is not up to date with the code (locations, order or entries): run update"
    if not MO.exists() or MO.read_bytes() != compiled():
        yield "kpi.mo is not compiled from the current kpi.po: run compile"


def main(argv: list[str]) -> int:
    command = argv[0] if len(argv) == 1 else ""
    if command == "update":
        PO.parent.mkdir(parents=True, exist_ok=True)
        PO.write_bytes(updated())
        print(f"wrote {PO}")
    elif command == "compile":
        MO.write_bytes(compiled())
        print(f"wrote {MO}")
    elif command == "check":
        found = list(problems())
        for line in found:
            print(line)
        if found:
            print(f"{len(found)} problem(s) in the message catalogue", file=sys.stderr)
            return 1
        print("the message catalogue is complete")
    else:
        print("usage: python -m kpi.i18n.catalogue update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
