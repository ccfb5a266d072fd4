"""The results as CSV files or one JSON document, for scripts and CI (``score --format``).

Both carry the sheets of the results workbook (:func:`~kpi.report.tables.published_sheets`)
with the same rows, under stable English names whatever ``--lang`` says: a file
or key per sheet named by its English name (``individuals``, ``bonus``, …) and
English column names. Values are the published ones, as text: scores and
points with 2 decimals, money whole, the on-post factor with 4, coefficients
and ratios as given, dates ISO (``2024-09-30``); flags and leader kinds follow
``--lang`` (是/否 or yes/no), like the workbook, while the keys of ``run_info``
are English (``tool_version``, ``period``, …) like the column names. A blank is
an empty CSV field or JSON ``null``.

* ``csv``: ``--out DIR`` gets one ``<sheet>.csv`` per sheet, UTF-8 with a byte
  order mark (so Excel and WPS open it as UTF-8), comma-separated, CRLF line
  ends, the header on the first line. DIR is created when missing (its parent
  must exist).
* ``json``: ``--out FILE.json`` gets ``{"kpi", "period", "lang", "rules",
  "input", "sheets": {name: {"columns": [...], "rows": [[...]]}}}``, every
  number a string in its published decimals (so ``102.80`` stays ``102.80``).

Every file is written like the workbook (:mod:`kpi.report.output`): checked
before the run, never over an input, never over an existing file without
``--force``, written whole or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpi import __version__
from kpi.engine.results import Results
from kpi.errors import Location, OutputError
from kpi.i18n import _
from kpi.numbers import EXACT, plain, r2, round0
from kpi.report.output import check_output, write_atomically
from kpi.report.tables import RUN_INFO_LABELS, SHEET_TITLES, Sheet, published_sheets

FORMATS = ("xlsx", "csv", "json")
SUFFIXES = {"xlsx": ".xlsx", "json": ".json", "csv": ""}
_FOUR = Decimal("0.0001")


def published_text(value: Any, kind: str) -> str | None:
    """A published value as text, in the decimals its kind is published with; None when blank."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str | bool):
        return str(value)
    number = value if isinstance(value, Decimal) else Decimal(value)
    if kind in ("score", "points"):
        return str(r2(number))
    if kind in ("money", "int"):
        return str(int(round0(number)))
    if kind == "factor4":
        return str(EXACT.quantize(number, _FOUR))
    return plain(number)


#: 运行信息's row labels in either language → their English key (tool_version, period, …).
_RUN_INFO_KEYS = {label: en for zh, en in RUN_INFO_LABELS.values() for label in (zh, en)}


def _texts(sheet: Sheet) -> list[list[str | None]]:
    kinds = [c.kind for c in sheet.columns]
    rows = [[published_text(v, k) for v, k in zip(row, kinds, strict=True)] for row in sheet.rows]
    if sheet.key == "run_info":  # its keys are names, like columns: English whatever --lang
        rows = [[_RUN_INFO_KEYS.get(str(key), key), *rest] for key, *rest in rows]
    return rows


def csv_files(sheets: list[Sheet]) -> dict[str, bytes]:
    """``<sheet>.csv`` → its bytes (UTF-8 with BOM, CRLF), one per sheet."""
    files: dict[str, bytes] = {}
    for sheet in sheets:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([c.en for c in sheet.columns])
        writer.writerows([["" if v is None else v for v in row] for row in _texts(sheet)])
        files[f"{sheet.en}.csv"] = text.getvalue().encode("utf-8-sig")
    return files


def json_document(results: Results, sheets: list[Sheet], lang: str) -> dict[str, Any]:
    """Every table of a run in one document (see the module docstring)."""
    rules_file = results.rules_file
    return {
        "kpi": __version__,
        "period": str(results.period),
        "lang": lang,
        "rules": {
            "name": rules_file.rules.name,
            "version": rules_file.rules.version,
            "file": rules_file.path,
            "sha256": rules_file.sha256,
        },
        "input": {"file": results.inputs.path, "sha256": results.inputs.sha256},
        "sheets": {
            sheet.en: {"columns": [c.en for c in sheet.columns], "rows": _texts(sheet)} for sheet in sheets
        },
    }


def check_target(out: Path, fmt: str, *, force: bool, inputs: list[Path]) -> None:
    """Refuse, before any work, an ``--out`` that ``fmt`` cannot be written to."""
    if fmt != "csv":
        check_output(out, force=force, inputs=inputs, suffix=SUFFIXES[fmt])
        return
    where = Location(str(out))
    if out.exists() and not out.is_dir():
        raise OutputError.single(
            _("is a file: --format csv writes one file per sheet into a folder; give a folder for --out"),
            where,
        )
    if not out.exists():
        folder = out.parent
        if not folder.is_dir():
            raise OutputError.single(
                _("folder {folder} does not exist: create it or choose another --out", folder=str(folder)),
                where,
            )
        if not os.access(folder, os.W_OK):
            raise OutputError.single(_("folder {folder} is not writable", folder=str(folder)), where)
        return
    for _zh, en in SHEET_TITLES.values():
        check_output(out / f"{en}.csv", force=force, inputs=inputs, suffix=".csv")


def save_results(results: Results, out: Path, fmt: str, *, lang: str = "zh", force: bool = False) -> Path:
    """Write the results of one run to ``out`` in ``fmt`` (xlsx, csv or json)."""
    if fmt == "xlsx":
        from kpi import api

        return api.write_results(results, out, lang=lang, force=force)
    inputs = [Path(results.inputs.path), Path(results.rules_file.path)]
    check_target(out, fmt, force=force, inputs=inputs)
    sheets = published_sheets(results, lang)
    if fmt == "json":
        text = json.dumps(json_document(results, sheets, lang), ensure_ascii=False) + "\n"
        write_atomically(out, _writer(text.encode("utf-8")), force=force)
        return out
    files = csv_files(sheets)  # every file made before the first is written
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError.single(
            _("cannot create the folder: {reason}", reason=exc.strerror or str(exc)), Location(str(out))
        ) from None
    for name, content in files.items():
        write_atomically(out / name, _writer(content), force=force)
    return out


def _writer(content: bytes) -> Callable[[Path], None]:
    def write(temp: Path) -> None:
        temp.write_bytes(content)

    return write
