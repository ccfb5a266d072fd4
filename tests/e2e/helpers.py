"""Helpers for the end-to-end tests: run the real CLI, read the results workbook.

The results workbook is read back with openpyxl exactly as a user's Excel would
see it. Rows of the fixed-column sheets of method §7 come back as dicts keyed by
the *English* column names whatever the output language, so one set of
expectations serves ``--lang en`` and the default (Chinese) output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl


def _repo_root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    raise RuntimeError("no pyproject.toml above tests/e2e")


REPO_ROOT = _repo_root()

#: Sheet key (= English sheet name) -> {lang: sheet name}, method §7.
SHEETS: dict[str, dict[str, str]] = {
    "individuals": {"zh": "个人得分", "en": "individuals"},
    "departments": {"zh": "部门得分", "en": "departments"},
    "leaders": {"zh": "领导得分", "en": "leaders"},
    "bonus": {"zh": "绩效奖金", "en": "bonus"},
    "points_ledger": {"zh": "点数明细", "en": "points_ledger"},
    "indicator_detail": {"zh": "指标明细", "en": "indicator_detail"},
    "evaluation_detail": {"zh": "测评明细", "en": "evaluation_detail"},
    "service_detail": {"zh": "诉求明细", "en": "service_detail"},
    "run_info": {"zh": "运行信息", "en": "run_info"},
}

#: Sheets that end in a 合计 row (sums of their money columns), and its label.
TOTALLED = {"bonus"}
TOTAL_LABEL = {"zh": "合计", "en": "total"}

#: The fixed header rows of method §7, as (zh, en) pairs in column order.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "individuals": [
        ("工号", "id"),
        ("姓名", "name"),
        ("部门", "department"),
        ("岗位类别", "post_category"),
        ("职务", "role"),
        ("个人点数", "points"),
        ("个人得分", "personal_score"),
        ("部门得分", "department_score"),
        ("综合得分", "score"),
        ("否决", "vetoed"),
        ("排名", "rank"),
        ("等次", "grade"),
    ],
    "departments": [
        ("部门", "department"),
        ("指标得分", "indicator_score"),
        ("市级得分", "city_score"),
        ("部门点数", "points"),
        ("综合得分", "score"),
        ("否决", "vetoed"),
        ("排名", "rank"),
        ("等次", "grade"),
    ],
    "leaders": [
        ("工号", "id"),
        ("姓名", "name"),
        ("类别", "kind"),
        ("全区得分", "zone_score"),
        ("分管部门均分", "departments_mean"),
        ("个人点数", "points"),
        ("综合得分", "score"),
        ("否决", "vetoed"),
        ("排名", "rank"),
        ("等次", "grade"),
    ],
    "bonus": [
        ("工号", "id"),
        ("姓名", "name"),
        ("部门", "department"),
        ("绩效基数", "bonus_base"),
        ("岗位系数", "post_coef"),
        ("职务系数", "role_coef"),
        ("等次系数", "grade_factor"),
        ("在岗折算", "months_factor"),
        ("绩效奖金", "bonus"),
        ("点数奖励", "points_reward"),
        ("合计", "total"),
    ],
    "points_ledger": [
        ("对象", "target"),
        ("事项", "code"),
        ("名称", "name"),
        ("次数", "events"),
        ("原始合计", "raw_total"),
        ("单项上限", "code_cap"),
        ("计入点数", "counted"),
    ],
}

#: With evaluations in the rules, these sheets gain 测评得分 / evaluation_score after this column.
EVALUATION_AFTER = {
    "individuals": "department_score",
    "departments": "city_score",
    "leaders": "departments_mean",
}

#: Words the results use for yes/no and the leader kinds, per language.
YES = {"zh": "是", "en": "yes"}
NO = {"zh": "否", "en": "no"}
MAIN_LEADER = {"zh": "主要领导", "en": "main_leader"}
LEADER_IN_CHARGE = {"zh": "分管领导", "en": "leader_in_charge"}


# --------------------------------------------------------------------------- CLI


def run_kpi(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kpi ARGS`` (the real entry point) and capture its output."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    # The end-to-end runs read the Chinese contract workbooks, as a user's default run writes
    # them: Chinese, messages included (a test of the English passes --lang en).
    env["KPI_LANG"] = "zh"
    env["COLUMNS"] = "200"  # keep rich/typer from wrapping messages mid-sentence
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "kpi", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=600,  # a safety net against a hung process, not a timing assertion
        check=False,
    )


def score(
    input_path: Path,
    rules_path: Path,
    period: str,
    out_path: Path,
    *extra: str,
) -> subprocess.CompletedProcess[str]:
    """``kpi score INPUT --rules RULES --period P --out OUT [extra]``; must exit 0."""
    result = run_kpi(
        "score",
        input_path,
        "--rules",
        rules_path,
        "--period",
        period,
        "--out",
        out_path,
        *extra,
    )
    assert result.returncode == 0, (
        f"kpi score exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    assert out_path.is_file(), "kpi score exited 0 but wrote no results workbook"
    return result


def output_text(result: subprocess.CompletedProcess[str]) -> str:
    """Everything the CLI printed, stdout then stderr."""
    return (result.stdout or "") + (result.stderr or "")


# ---------------------------------------------------------------- results workbook


def _nonblank(values: list[Any]) -> bool:
    return any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values)


def _trim(values: list[Any]) -> list[Any]:
    values = list(values)
    while values and values[-1] is None:
        values.pop()
    return values


def sheet_rows(path: Path, key: str, lang: str) -> list[list[Any]]:
    """All non-blank rows of a results sheet as lists of cell values (header first)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        name = SHEETS[key][lang]
        assert name in wb.sheetnames, f"sheet {name!r} missing; sheets are {wb.sheetnames}"
        ws = wb[name]
        return [_trim(list(row)) for row in ws.iter_rows(values_only=True) if _nonblank(list(row))]
    finally:
        wb.close()


def header(path: Path, key: str, lang: str) -> list[Any]:
    """Row 1 of a results sheet."""
    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        ws = wb[SHEETS[key][lang]]
        return _trim([c.value for c in ws[1]])
    finally:
        wb.close()


def _columns(key: str, evaluation: bool) -> list[tuple[str, str]]:
    columns = list(COLUMNS[key])
    if evaluation and key in EVALUATION_AFTER:
        at = [en for _, en in columns].index(EVALUATION_AFTER[key]) + 1
        columns.insert(at, ("测评得分", "evaluation_score"))
    return columns


def expected_header(key: str, lang: str, evaluation: bool = False) -> list[str]:
    index = 0 if lang == "zh" else 1
    return [pair[index] for pair in _columns(key, evaluation)]


def read_sheet(
    path: Path, key: str, lang: str, evaluation: bool = False, *, totals: bool = False
) -> list[dict[str, Any]]:
    """Data rows of a fixed-column sheet as dicts keyed by the English column names.

    Row 1 must be exactly the method §7 header of ``lang`` (with 测评得分 when the
    rules have evaluations: ``evaluation=True``). A sheet of :data:`TOTALLED` must
    end in its 合计 row, which is left out (or, with ``totals``, is the only row
    returned).
    """
    assert header(path, key, lang) == expected_header(key, lang, evaluation)
    names = [en for _, en in _columns(key, evaluation)]
    rows = sheet_rows(path, key, lang)[1:]
    if key in TOTALLED:
        assert rows and rows[-1][0] == TOTAL_LABEL[lang], f"{key}: no {TOTAL_LABEL[lang]} row last"
        rows = rows[-1:] if totals else rows[:-1]
    out = []
    for row in rows:
        padded = [*row, *([None] * (len(names) - len(row)))]
        assert len(padded) == len(names), f"{key}: row wider than its header: {row}"
        out.append(dict(zip(names, padded, strict=True)))
    return out


def by(rows: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    """Index rows by one column (which must be unique)."""
    index = {row[key]: row for row in rows}
    assert len(index) == len(rows), f"column {key!r} is not unique"
    return index


def find_row(rows: list[list[Any]], value: str) -> list[Any]:
    """The one row that has a cell equal to ``value`` (e.g. an indicator id)."""
    hits = [row for row in rows if value in row]
    assert len(hits) == 1, f"expected one row containing {value!r}, found {len(hits)}"
    return hits[0]


def dec(value: Any) -> Decimal:
    """A numeric cell as the decimal it displays; fails on text, bools and blanks."""
    assert isinstance(value, int | float) and not isinstance(value, bool), (
        f"expected a numeric cell, got {value!r}"
    )
    return Decimal(str(value))


def numbers_in(row: list[Any]) -> list[Decimal]:
    """The numeric cells of a row, as decimals."""
    return [Decimal(str(v)) for v in row if isinstance(v, int | float) and not isinstance(v, bool)]


def same(actual: Any, expected: Any) -> bool:
    """Compare a cell with an expectation.

    ``None`` → the cell is blank; ``Decimal``/``int`` → the cell is a number of
    that exact decimal value (88.6 matches Decimal("88.60")); ``str`` → exact text.
    """
    if expected is None:
        return actual is None
    if isinstance(expected, Decimal | int) and not isinstance(expected, bool):
        if not isinstance(actual, int | float) or isinstance(actual, bool):
            return False
        return Decimal(str(actual)) == expected
    return actual == expected


def assert_table(
    rows: list[dict[str, Any]],
    columns: tuple[str, ...],
    expected: list[tuple[Any, ...]],
) -> None:
    """Rows must be exactly ``expected``, in order, on the given columns.

    The first column identifies a row in failure messages.
    """
    got_keys = [row[columns[0]] for row in rows]
    want_keys = [exp[0] for exp in expected]
    assert got_keys == want_keys, f"row order: got {got_keys}, expected {want_keys}"
    problems = []
    for row, exp in zip(rows, expected, strict=True):
        assert len(exp) == len(columns)
        for column, want in zip(columns, exp, strict=True):
            if not same(row[column], want):
                problems.append(f"{row[columns[0]]}.{column}: got {row[column]!r}, expected {want!r}")
    assert not problems, "\n".join(problems)


def assert_ledger(path: Path, lang: str, expected: dict[tuple[str, str], tuple[Any, Any, Any, Any]]) -> None:
    """Points-ledger rows: (target, code) -> (events, raw_total, code_cap, counted).

    ``None`` expects a blank cell (code_cap of a code without max_per_period).
    """
    rows = read_sheet(path, "points_ledger", lang)
    ledger = {(row["target"], row["code"]): row for row in rows}
    assert len(ledger) == len(rows), "expected one ledger row per (target, code)"
    problems = []
    for key, values in expected.items():
        assert key in ledger, f"no ledger row for {key}; rows: {sorted(ledger)}"
        for column, want in zip(("events", "raw_total", "code_cap", "counted"), values, strict=True):
            got = ledger[key][column]
            if not same(got, want):
                problems.append(f"{key}.{column}: got {got!r}, expected {want!r}")
    assert not problems, "\n".join(problems)


def assert_indicators(path: Path, lang: str, expected: dict[str, tuple[Decimal, Decimal]]) -> None:
    """indicator_detail: one row per indicator, carrying its s_k and e_k as numbers.

    method §7 does not fix this sheet's columns, so the row of each indicator (found
    by its id) must merely contain both values among its numeric cells.
    """
    rows = sheet_rows(path, "indicator_detail", lang)
    assert len(rows) == 1 + len(expected), "expected a header row and one row per indicator"
    for indicator, (s_k, e_k) in expected.items():
        values = numbers_in(find_row(rows, indicator))
        assert s_k in values, f"{indicator}: s_k {s_k} not in {values}"
        assert e_k in values, f"{indicator}: e_k {e_k} not in {values}"


def all_cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    """Every cell of every sheet, read *without* data_only (formulas stay formulas)."""
    wb = openpyxl.load_workbook(path)
    try:
        return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    finally:
        wb.close()


def sheet_names(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def row_texts(rows: list[list[Any]]) -> list[str]:
    """Each row's cells joined into one string (for searching run_info)."""
    return [" | ".join("" if v is None else str(v) for v in row) for row in rows]


# ------------------------------------------------------------------ input builder


def write_input(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    """Write an input workbook: sheet name -> rows (first row = header).

    Text is always written as text: a name such as ``=王五`` must reach kpi as
    the string a user typed, not as a formula.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    wb.save(path)
