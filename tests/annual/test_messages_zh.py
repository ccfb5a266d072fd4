"""The annual appraisal's messages in Chinese and English (docs/messages.md): refusals,
warnings, ``explain --year`` and the 汇总 labels come from the catalogue, keep their values,
and stay English in English."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from annual.test_hand_worked_year import make_year
from support.annual import write_quarter

from kpi.annual import run_annual
from kpi.annual.explain import UnknownMember, explain_year
from kpi.annual.quarters import read_quarters
from kpi.annual.run import needs_annual
from kpi.annual.summary import annual_summary_sheet, labels
from kpi.audit.results_book import ResultsError
from kpi.errors import RulesError
from kpi.i18n import set_language
from kpi.rules.loader import load_rules

HAN = range(0x4E00, 0xA000)


def chinese(text: str) -> bool:
    return any(ord(c) in HAN for c in text)


@pytest.fixture
def year(tmp_path: Path) -> tuple[list[Path], Path, Path]:
    return make_year(tmp_path)


def test_a_refused_quarter_in_chinese_keeps_its_values(tmp_path: Path) -> None:
    other = write_quarter(
        tmp_path / "q.xlsx",
        "2023Q4",
        individuals=[{"id": "E1", "name": "甲", "department": "甲部", "score": 90}],
    )
    with pytest.raises(ResultsError) as raised:
        read_quarters([other], 2024)
    [problem] = raised.value.problems
    assert "these are the results of 2023Q4, not of a quarter of --year 2024" in problem.text()
    zh = problem.text(lang="zh")
    assert "这是 2023Q4 的结果，不是 --year 2024 的季度：请给出 2024Q1 … 2024Q4 的结果" in zh
    assert "运行信息!B" in zh


def test_a_bad_cell_of_a_quarter_in_chinese(tmp_path: Path) -> None:
    bad = write_quarter(
        tmp_path / "q.xlsx",
        "2024Q1",
        individuals=[{"id": "E1", "name": "甲", "department": "甲部", "score": 90}],
    )
    book = openpyxl.load_workbook(bad)
    ws = book["个人得分"]
    column = [c.value for c in ws[1]].index("综合得分") + 1
    ws.cell(row=2, column=column, value="九十")
    book.save(bad)
    with pytest.raises(ResultsError) as raised:
        read_quarters([bad], 2024)
    [problem] = raised.value.problems
    assert "'九十' is not a number: the cell no longer holds what kpi score wrote" in str(problem)
    assert problem.text(lang="zh").endswith("综合得分“九十”不是数字：单元格已不是 kpi score 写入的内容")


def test_missing_quarters_warn_in_chinese(year: tuple[list[Path], Path, Path]) -> None:
    quarters = year[0]
    read, warnings = read_quarters([quarters[0], quarters[2]], 2024)
    assert [q.label for q in read] == ["Q1", "Q3"]
    assert [w.text(lang="zh") for w in warnings] == [
        "没有 2024Q2, 2024Q4 的结果：年度只按 2024Q1, 2024Q3 汇总"
    ]
    assert (
        str(warnings[0].message)
        == "no results for 2024Q2, 2024Q4: the year is rolled up from 2024Q1, 2024Q3 only"
    )


def test_rules_without_an_annual_section_in_chinese(
    tmp_path: Path, year: tuple[list[Path], Path, Path]
) -> None:
    __, rules, ___ = year
    text = rules.read_text(encoding="utf-8")
    cut = tmp_path / "no-annual.yaml"
    cut.write_text(text.split("\nannual:", 1)[0] + "\n", encoding="utf-8")
    with pytest.raises(RulesError) as raised:
        needs_annual(load_rules(cut))
    [problem] = raised.value.problems
    assert "these rules have no annual section" in str(problem.message)
    assert "规则文件没有 annual（年度考核） 部分" in problem.text(lang="zh")


def test_explain_year_in_chinese_and_english(year: tuple[list[Path], Path, Path]) -> None:
    results = run_annual(*year[:2], 2024, year[2])
    zh = explain_year(results, "E3", "zh")
    text = "\n".join(zh.lines())
    assert zh.title.startswith("E3 ") and zh.title.endswith("  (年度考核 2024)")
    assert [s.title for s in zh.sections][:4] == ["规则与输入", "成员", "季度得分", "年终测评"]
    assert "年内被否决：等次最高为 基本称职，不占名额" in text
    assert "按其出现的 " in text
    en = "\n".join(explain_year(results, "E3", "en").lines())
    assert "vetoed in the year: grade at most 基本称职, never a quota place" in en
    assert "quarter scores" in en and "季度得分" not in en
    # Without a language: the process language.
    set_language("en")
    try:
        assert explain_year(results, "E3").title.endswith("(annual appraisal 2024)")
    finally:
        set_language(None)


def test_an_unknown_member_in_chinese(year: tuple[list[Path], Path, Path]) -> None:
    results = run_annual(*year[:2], 2024, year[2])
    with pytest.raises(UnknownMember) as raised:
        explain_year(results, "E9", "zh")
    [problem] = raised.value.problems
    assert "--who 'E9' is not a 工号, department or 姓名" in str(problem.message)
    zh = problem.text(lang="zh")
    assert zh.startswith("--who 'E9' 不是 2024Q1, 2024Q2, 2024Q3, 2024Q4 结果中的工号、部门或姓名")


def test_summary_labels_follow_the_language(year: tuple[list[Path], Path, Path]) -> None:
    assert labels("zh")["vetoed_quarters"] == "否决季度"
    assert labels("en")["vetoed_quarters"] == "vetoed quarters"
    assert all(chinese(v) for k, v in labels("zh").items() if k not in ("yes", "no"))
    results = run_annual(*year[:2], 2024, year[2])
    zh = annual_summary_sheet(results, "zh")
    en = annual_summary_sheet(results, "en")
    assert zh.grid[0][0].value == "2024年度考核结果汇总"
    assert en.grid[0][0].value == "Annual appraisal 2024"
    assert {c.title for c in zh.charts} >= {"部门年度得分", "年度等次分布（占比）"}
