"""Result slips (绩效面谈): ``kpi explain --all --out slips.xlsx`` over the worked quarter."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support.worked import WORKED_QUARTER as WORKED

from kpi import api
from kpi.engine.results import Results
from kpi.errors import KpiError
from kpi.periods import Period

PERIOD = Period.parse("2024Q3")


@pytest.fixture(scope="module")
def results() -> Results:
    return api.run(WORKED / "input.xlsx", WORKED / "rules.yaml", PERIOD)


@pytest.fixture(scope="module")
def book(results: Results, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("slips") / "slips.xlsx"
    api.write_slips(results, out)
    return out


def blocks(sheet: Any) -> list[list[tuple[Any, ...]]]:
    """The rows of each member's block (a block starts with its title row)."""
    rows = list(sheet.iter_rows(values_only=True))
    starts = [
        i for i, row in enumerate(rows) if isinstance(row[0], str) and row[0].startswith("绩效考核结果通知单")
    ]
    return [rows[a:b] for a, b in zip(starts, [*starts[1:], len(rows)], strict=True)]


def derivation(block: list[tuple[Any, ...]]) -> list[str]:
    """The text lines between the header and the signature line."""
    return [
        row[0]
        for row in block[3:]
        if row[0] is not None
        and not str(row[0]).startswith("本人签字")
        and not str(row[0]).startswith("负责人签字")
    ]


def test_one_block_per_member_in_results_order(book: Path, results: Results) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["个人", "领导", "部门"]
    ids = [[b[2][0] for b in blocks(wb[name])] for name in ("个人", "领导", "部门")]
    assert ids == [
        list(results.individuals["id"]),
        list(results.leaders["id"]),
        list(results.departments["department"]),
    ]
    assert [len(i) for i in ids] == [6, 2, 3]


def test_headers_are_the_published_results(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    people = {b[2][0]: b for b in blocks(wb["个人"])}
    assert people["E01"][1] == ("工号", "姓名", "部门", "综合得分", "排名", "等次", "绩效奖金", "合计")
    assert people["E01"][2] == ("E01", "张伟", "招商部", 103.41, 1, "优秀", 32681, 33581)
    e04 = people["E04"][2]
    assert e04[0:4] == ("E04", "杨磊", "综合部", 60)
    assert e04[5] == "不合格" and e04[7] == 0
    assert people["E04"][-1][0] == "本人签字：" and people["E04"][-1][4] == "日期："


def test_derivation_lines_are_the_explain_lines(book: Path, results: Results) -> None:
    wb = openpyxl.load_workbook(book)
    for name, key in (("个人", 0), ("领导", 0), ("部门", 0)):
        for block in blocks(wb[name]):
            who = block[2][key]
            expected = [line.strip() for line in api.explain(results, who, "zh").lines()[1:] if line.strip()]
            assert derivation(block) == expected, who


def test_print_setup_one_member_per_portrait_a4_page(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for name, members in (("个人", 6), ("领导", 2), ("部门", 3)):
        sheet = wb[name]
        assert sheet.page_setup.orientation == "portrait" and sheet.page_setup.paperSize == 9
        starts = [
            i + 1
            for i, row in enumerate(sheet.iter_rows(values_only=True))
            if isinstance(row[0], str) and row[0].startswith("绩效考核结果通知单")
        ]
        assert [b.id for b in sheet.row_breaks.brk] == [s - 1 for s in starts[1:]]
        assert len(starts) == members


def test_byte_reproducible_and_no_overwrite(book: Path, results: Results, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsx"
    api.write_slips(results, again)
    assert again.read_bytes() == book.read_bytes()
    with pytest.raises(KpiError, match="already exists"):
        api.write_slips(results, again)
    api.write_slips(results, again, force=True)


def test_english(results: Results, tmp_path: Path) -> None:
    out = tmp_path / "slips.xlsx"
    api.write_slips(results, out, lang="en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["individuals", "leaders", "departments"]
    rows = list(wb["individuals"].iter_rows(values_only=True))
    assert rows[1][:3] == ("id", "name", "department")
    assert rows[2][3] == Decimal("103.41") or rows[2][3] == 103.41
    assert rows[4][0] == "rules and input"


def kpi(*args: str) -> subprocess.CompletedProcess[str]:
    base = [str(WORKED / "input.xlsx"), "--rules", str(WORKED / "rules.yaml"), "--period", "2024Q3"]
    return subprocess.run(
        [sys.executable, "-m", "kpi", "--lang", "zh", "explain", *base, *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [("--all",), ("--who", "E01", "--out", "x.xlsx"), ("--who", "E01", "--all", "--out", "x.xlsx"), ()],
)
def test_usage_errors(args: tuple[str, ...], tmp_path: Path) -> None:
    done = kpi(*[str(tmp_path / a) if a.endswith(".xlsx") else a for a in args])
    assert done.returncode == 2, done.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "slips.xlsx"
    done = kpi("--all", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "11 份结果单" in done.stdout
    before = out.read_bytes()
    refused = kpi("--all", "--out", str(out))
    assert refused.returncode == 1 and "文件已存在" in refused.stderr
    assert kpi("--all", "--out", str(out), "--force", "--lang", "en").returncode == 0
    assert out.read_bytes() != before
