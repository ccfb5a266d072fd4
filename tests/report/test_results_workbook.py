"""The results workbook finance and the leaders sign: the 汇总 sheet of the worked
quarter by hand, its charts, the 合计 row, number formats, highlights, print setup,
widths, ``kpi verify`` on all of it, byte-identical reruns, and the file opening
in openpyxl, calamine and (when installed) LibreOffice.

Every expected number is derived by hand below from tests/data/worked_quarter
(WORKED.md derives the same numbers in more words).
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from support.worked import Worked

from kpi import api
from kpi.audit.verify import verify
from kpi.periods import Period
from kpi.report.tables import published_sheets
from kpi.report.workbook import MAX_WIDTH, column_widths, display_width, footer

PERIOD = Period.parse("2024Q3")
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def results(worked: Worked, lang: str = "zh", name: str | None = None) -> Path:
    out = worked.input.with_name(name or f"results-{lang}.xlsx")
    api.write_results(api.run(worked.input, worked.rules, PERIOD), out, lang=lang)
    return out


def grid(path: Path, sheet: int | str = 0) -> list[list[Any]]:
    """A sheet's values as openpyxl reads them, each row without its trailing blanks."""
    book = openpyxl.load_workbook(path, data_only=True)
    try:
        ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
        rows = []
        for row in ws.iter_rows(values_only=True):
            values = list(row)
            while values and values[-1] is None:
                values.pop()
            rows.append(values)
        return rows
    finally:
        book.close()


def edit(path: Path, sheet: str, change: dict[str, object]) -> Path:
    """A copy of ``path`` with cells changed, saved by openpyxl as a user's Excel would."""
    book = openpyxl.load_workbook(path)
    for cell, value in change.items():
        book[sheet][cell] = value
    copy = path.with_name(f"edited-{sheet}.xlsx")
    book.save(copy)
    return copy


# Worked by hand (WORKED.md §5):
#
# Zone score Z = 91.41 (§5.3). One warning: the tie at the quota cut of 优秀 between
# E02 and E03 (both 102.80).
#
# Departments in published (rank) order: 招商部 101.01 rank 1, 企业服务部 88.33 rank 2,
# 综合部 60.00 rank 3 (vetoed: 全面从严治党, 否决 row 2, capped at 60). Grades: n = 3,
# 优秀 places ceil(3 × 0.2) = 1 → 招商部 优秀; 企业服务部 88.33 → 良好; 综合部 vetoed →
# max_grade 不合格.
# People per department: 招商部 E01 E02 E03 = 3; 企业服务部 E06 = 1; 综合部 E04 E05 = 2; Σ 6.
# Bonus (§5.9) summed per department:
#   招商部    bonus 32681 + 13073 + 7263 = 53017; reward 900 + 400 + 400 = 1700;
#             total 33581 + 13473 + 7663 = 54717
#   企业服务部 E06: bonus 0, reward −100, total max(0, 0 − 100) = 0
#   综合部    E05 + E04 (forfeited): bonus 6983 + 0 = 6983; reward 2000 + 0 = 2000;
#             total 8983 + 0 = 8983
#   Σ         bonus 53017 + 0 + 6983 = 60000 (the pool, to the yuan); reward 1700 − 100 +
#             2000 = 3600; total 54717 + 0 + 8983 = 63700 — not 60000 + 3600 = 63600,
#             because E06's total is clamped at 0 rather than −100.
#
# Grade distribution (bands 优秀 (quota 0.2), 良好, 合格, 不合格; quota places ceil(n × 0.2)),
# one row per band, count / share / places per population:
#   departments n = 3: 优秀 1 (1/3 = 0.3333), 良好 1 (0.3333), 合格 0, 不合格 1 (0.3333);
#                      优秀 places ceil(0.6) = 1
#   leaders     n = 2: L01 95.41 优秀, L02 85.26 良好 → 1 (0.5), 1 (0.5), 0, 0;
#                      places ceil(0.4) = 1
#   individuals n = 6: E01 E02 优秀 = 2 (2/6 = 0.3333); E03 E05 E06 良好 = 3 (0.5);
#                      合格 0; E04 不合格 = 1 (1/6 = 0.16666… → 0.1667); places ceil(1.2) = 2
#   合计: n = 3, 2, 6, each 100% (n / n). Shares are rounded half up to 4 decimals:
#   0.00% shows 33.33%, 16.67%.
#
# Vetoed: the department 综合部 directly (否决 row 2, 全面从严治党) and its 部长 E04 杨磊 by
# the department_head cascade; not E05 (members: false), not L02 (leader_in_charge: false).
SUMMARY_ZH: list[list[Any]] = [
    ["2024Q3 绩效考核结果汇总"],
    ["考核办法", "青岛高新区功能区KPI考核办法（手算样例） 2024.1"],
    ["全区市级得分", 91.41],
    ["警告数", 1],
    [],
    ["部门得分"],
    ["部门", "综合得分", "排名", "等次", "否决", "人数", "绩效奖金", "点数奖励", "合计"],
    ["招商部", 101.01, 1, "优秀", "否", 3, 53017, 1700, 54717],
    ["企业服务部", 88.33, 2, "良好", "否", 1, 0, -100, 0],
    ["综合部", 60, 3, "不合格", "是", 2, 6983, 2000, 8983],
    ["合计", None, None, None, None, 6, 60000, 3600, 63700],
    [],
    ["等次分布"],
    [None, "部门", None, None, "领导", None, None, "个人"],
    ["等次", "人数", "占比", "名额", "人数", "占比", "名额", "人数", "占比", "名额"],
    ["优秀", 1, 0.3333, 1, 1, 0.5, 1, 2, 0.3333, 2],
    ["良好", 1, 0.3333, None, 1, 0.5, None, 3, 0.5],
    ["合格", 0, 0, None, 0, 0, None, 0, 0],
    ["不合格", 1, 0.3333, None, 0, 0, None, 1, 0.1667],
    ["合计", 3, 1, None, 2, 1, None, 6, 1],
    [],
    ["绩效奖金"],
    ["奖金池", 60000],
    ["绩效奖金合计", 60000],
    ["点数奖励合计", 3600],
    ["实发合计", 63700],
    [],
    ["一票否决"],
    ["对象", "工号/部门", "姓名", "原因"],
    ["部门", "综合部", None, "全面从严治党（否决表第2行）"],
    ["个人", "E04", "杨磊", "全面从严治党（部门负责人连带：综合部，否决表第2行）"],
    [],
    [],
    ["制表：", None, None, "审核：", None, None, "批准："],
    [],
    ["日期：", None, None, "日期：", None, None, "日期："],
    ["图表"],
]


def test_the_workbook_opens_on_the_summary_of_the_worked_quarter(worked: Worked) -> None:
    path = results(worked)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "汇总" and book.worksheets[0].sheet_view.tabSelected
    assert [ws.sheet_view.tabSelected for ws in book.worksheets[1:]] == [None] * 7
    book.close()
    assert grid(path) == SUMMARY_ZH
    # calamine, the other reader, sees the same numbers.
    calamine = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert calamine[10][5:9] == [6.0, 60000.0, 3600.0, 63700.0]
    assert [row[2::3] for row in calamine[15:19]] == [
        [0.3333, 0.5, 0.3333],
        [0.3333, 0.5, 0.5],
        [0.0, 0.0, 0.0],
        [0.3333, 0.0, 0.1667],
    ]


def test_summary_labels_follow_lang(worked: Worked) -> None:
    english = grid(results(worked, "en"))
    assert english[0] == ["Appraisal results 2024Q3"]
    assert [row[0] if row else None for row in english[2:4]] == ["zone city score", "warnings"]
    assert english[6] == [
        "department",
        "score",
        "rank",
        "grade",
        "vetoed",
        "people",
        "bonus",
        "points_reward",
        "total",
    ]
    assert english[9] == ["综合部", 60, 3, "不合格", "yes", 2, 6983, 2000, 8983]
    assert english[10] == ["total", None, None, None, None, 6, 60000, 3600, 63700]
    assert english[13] == [None, "departments", None, None, "leaders", None, None, "individuals"]
    assert english[14] == ["grade", *["count", "share", "quota"] * 3]
    assert english[19] == ["total", 3, 1, None, 2, 1, None, 6, 1]
    assert [row[0] for row in english[22:26]] == ["pool", "bonus paid", "points rewards", "total paid"]
    assert english[30] == ["individuals", "E04", "杨磊", "全面从严治党: head of vetoed 综合部 (否决 row 2)"]
    assert english[33] == ["Prepared by:", None, None, "Reviewed by:", None, None, "Approved by:"]
    # Every number is the same in both languages.
    numbers = [[v for v in row if isinstance(v, int | float)] for row in SUMMARY_ZH]
    assert [[v for v in row if isinstance(v, int | float)] for row in english] == numbers


def test_summary_number_formats_and_sign_lines(worked: Worked) -> None:
    book = openpyxl.load_workbook(results(worked))
    ws = book["汇总"]
    assert ws["B3"].number_format == "0.00"  # zone score
    assert [ws[f"{c}8"].number_format for c in "BCFGHI"] == ["0.00", "0", "0", "#,##0", "#,##0", "#,##0"]
    assert {ws[f"{c}{r}"].number_format for c in "CFI" for r in range(16, 21)} == {"0.00%"}  # shares
    assert {ws[f"{c}{r}"].number_format for c in "BDEGHJ" for r in range(16, 20)} == {"0"}  # counts
    assert [ws[f"{c}20"].number_format for c in "BEH"] == ["0"] * 3
    assert ws["B23"].number_format == "#,##0"
    assert ws["I11"].font.b and ws["A11"].font.b  # the 合计 row of the department table
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    # The populations over their three columns; the causes take the rest of the width.
    assert merged == ["B14:D14", "D29:J29", "D30:J30", "D31:J31", "E14:G14", "H14:J14"]
    assert {ws[c].border.bottom.style for c in ("B34", "C34", "E34", "F34", "H34", "I34")} == {"thin"}
    assert [b.id for b in ws.row_breaks.brk] == [36, 69]  # charts start on a new page
    book.close()


def chart_parts(path: Path) -> list[ET.Element]:
    with zipfile.ZipFile(path) as book:
        return [ET.fromstring(book.read(f"xl/charts/chart{n}.xml")) for n in (1, 2, 3)]


def test_summary_charts_show_its_cells(worked: Worked) -> None:
    path = results(worked)
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        types = book.read("[Content_Types].xml").decode()
        sheet_rels = book.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        drawing_rels = book.read("xl/drawings/_rels/drawing1.xml.rels").decode()
    assert [n for n in names if n.startswith(("xl/charts/", "xl/drawings/"))] == [
        "xl/drawings/drawing1.xml",
        "xl/charts/chart1.xml",
        "xl/charts/chart2.xml",
        "xl/charts/chart3.xml",
        "xl/drawings/_rels/drawing1.xml.rels",
    ]
    assert 'PartName="/xl/drawings/drawing1.xml"' in types
    assert all(f'PartName="/xl/charts/chart{n}.xml"' in types for n in (1, 2, 3))
    assert 'Target="../drawings/drawing1.xml"' in sheet_rels
    assert all(
        f'Id="rId{n}"' in drawing_rels and f"../charts/chart{n}.xml" in drawing_rels for n in (1, 2, 3)
    )

    c = {"c": CHART}
    scores, grades, bonus = chart_parts(path)
    titles = [
        "".join(t.text or "" for t in chart.iterfind(".//c:title//{*}t", c)) for chart in chart_parts(path)
    ]
    assert titles == ["部门综合得分", "等次分布（占比）", "部门绩效奖金与点数奖励"]

    def series(chart: ET.Element) -> list[tuple[str | None, str | None, list[str | None]]]:
        return [
            (
                s.findtext("c:tx//c:v", namespaces=c),
                s.findtext("c:val/c:numRef/c:f", namespaces=c),
                [p.findtext("c:v", namespaces=c) for p in s.iterfind("c:val//c:pt", c)],
            )
            for s in chart.iterfind(".//c:ser", c)
        ]

    # Department scores: 综合得分 of 招商部, 企业服务部, 综合部 (rows 8–10).
    assert series(scores) == [("综合得分", "'汇总'!$B$8:$B$10", ["101.01", "88.33", "60.00"])]
    assert [v.text for v in scores.iterfind(".//c:cat//c:v", c)] == ["招商部", "企业服务部", "综合部"]
    # Grade shares per population, bands as categories.
    assert series(grades) == [
        ("部门", "'汇总'!$C$16:$C$19", ["0.3333", "0.3333", "0.0000", "0.3333"]),
        ("领导", "'汇总'!$F$16:$F$19", ["0.5000", "0.5000", "0.0000", "0.0000"]),
        ("个人", "'汇总'!$I$16:$I$19", ["0.3333", "0.5000", "0.0000", "0.1667"]),
    ]
    grade_categories = grades.find(".//c:cat/c:strRef/c:f", c)
    assert grade_categories is not None and grade_categories.text == "'汇总'!$A$16:$A$19"
    # Bonus and points rewards by department (no 合计 row in the chart).
    assert series(bonus) == [
        ("绩效奖金", "'汇总'!$G$8:$G$10", ["53017", "0", "6983"]),
        ("点数奖励", "'汇总'!$H$8:$H$10", ["1700", "-100", "2000"]),
    ]
    book = openpyxl.load_workbook(path)
    assert [len(ws._charts) for ws in book.worksheets] == [3, 0, 0, 0, 0, 0, 0, 0]
    book.close()


def test_the_bonus_sheet_ends_in_a_total_row(worked: Worked) -> None:
    path = results(worked)
    blanks = [None] * 7
    # Σ bonus 60000, Σ reward 3600, Σ total 63700 (worked above); other columns blank.
    assert grid(path, "绩效奖金")[-1] == ["合计", *blanks, 60000, 3600, 63700]
    book = openpyxl.load_workbook(path)
    ws = book["绩效奖金"]
    assert ws.auto_filter.ref == "A1:K7"  # the body only: sorting leaves 合计 last
    assert all(ws[f"{c}{r}"].number_format == "#,##0" for c in "IJK" for r in range(2, 9))
    assert ws["K8"].font.b and ws["A8"].font.b and ws["K8"].border.top.style == "thin"
    assert ws["H4"].number_format == "0.0000"  # the on-post factor keeps its 4 decimals
    book.close()
    english = grid(results(worked, "en"), "bonus")
    assert english[-1] == ["total", *blanks, 60000, 3600, 63700]


def test_ratios_keep_their_published_precision(worked: Worked) -> None:
    """指标明细 ratios are 6-decimal numbers, not shares: no percent format."""
    book = openpyxl.load_workbook(results(worked))
    ws = book["指标明细"]
    header = [c.value for c in ws[1]]
    ratio = header.index("完成比率") + 1
    assert [ws.cell(r, ratio).number_format for r in range(2, 6)] == ["General"] * 4
    assert ws.cell(2, ratio).value == 0.85505  # ZB01: 171.01 / 200
    assert book["个人得分"]["I2"].number_format == "0.00"
    book.close()


def highlights(path: Path, sheet: str) -> dict[str, list[tuple[str, list[str]]]]:
    book = openpyxl.load_workbook(path)
    try:
        return {
            str(cf.sqref): [(r.operator, r.formula) for r in cf.rules]
            for cf in book[sheet].conditional_formatting
        }
    finally:
        book.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_veto_and_the_lowest_band_are_highlighted(worked: Worked, lang: str) -> None:
    path = results(worked, lang)
    yes = '"是"' if lang == "zh" else '"yes"'
    low = '"不合格"'  # the lowest band of the rules, whatever the language
    names = {"zh": ("个人得分", "部门得分", "领导得分"), "en": ("individuals", "departments", "leaders")}
    individuals, departments, leaders = names[lang]
    # 个人得分: 否决 is column J, 等次 column L; six people in rows 2–7.
    assert highlights(path, individuals) == {"J2:J7": [("equal", [yes])], "L2:L7": [("equal", [low])]}
    # 部门得分: 否决 F, 等次 H, three departments; 领导得分: 否决 H, 等次 J, two leaders.
    assert highlights(path, departments) == {"F2:F4": [("equal", [yes])], "H2:H4": [("equal", [low])]}
    assert highlights(path, leaders) == {"H2:H3": [("equal", [yes])], "J2:J3": [("equal", [low])]}
    assert highlights(path, "指标明细" if lang == "zh" else "indicator_detail") == {}


def test_every_sheet_prints_landscape_one_page_wide_with_a_footer(worked: Worked) -> None:
    book = openpyxl.load_workbook(results(worked))
    for ws in book.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (
            "landscape",
            9,
            1,
            0,
        ), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.oddFooter.left.text == "考核期间：2024Q3", ws.title
        assert (ws.oddFooter.center.text, ws.oddFooter.right.text) == ("&A", "第 &P 页，共 &N 页")
        # Tables repeat their header row on every page; the summary is a form.
        assert ws.print_title_rows == (None if ws.title == "汇总" else "$1:$1"), ws.title
    book.close()
    english = openpyxl.load_workbook(results(worked, "en"))
    assert english["bonus"].oddFooter.left.text == "Period: 2024Q3"
    assert english["bonus"].oddFooter.right.text == "Page &P of &N"
    english.close()
    assert footer("R&D", "en").startswith("&LPeriod: R&&D&C")  # a literal & is doubled


def test_column_widths_count_cjk_characters_twice() -> None:
    assert [display_width(t) for t in ("E01", "综合部", "ＡＢ", "a综b", "")] == [3, 6, 4, 4, 0]


def test_widths_follow_headers_and_values_and_are_capped(worked: Worked) -> None:
    results_ = api.run(worked.input, worked.rules, PERIOD)
    sheets = {s.key: s for s in published_sheets(results_, "zh")}
    individuals = sheets["individuals"]
    widths = dict(zip([c.key for c in individuals.columns], column_widths(individuals, "zh"), strict=True))
    # 工号: header 2 CJK = 4 + 2 for the filter button, + 2 = 8; E01 would need only 5.
    # 部门: 企业服务部 = 10 + 2 = 12, wider than its header's 4 + 2 + 2 = 8.
    # 综合得分: header 8 + 2 + 2 = 12 beats 103.41 (6 + 2).
    assert (widths["id"], widths["department"], widths["score"]) == (8.0, 12.0, 12.0)
    info = column_widths(sheets["run_info"], "zh")
    assert info[1] == MAX_WIDTH  # a warning's long text is capped
    english = {s.key: s for s in published_sheets(results_, "en")}["individuals"]
    assert column_widths(english, "en")[0] == 6.0  # "id" + filter 4 + 2; E01 5: at least 6


def test_verify_passes_on_a_fresh_workbook_and_catches_edits(worked: Worked) -> None:
    path = results(worked)
    report = verify(path, worked.input, worked.rules)
    assert report.ok, report.lines()
    # A user raises E01's bonus (绩效奖金!I2, 32681): caught at the cell, and the 合计
    # row — a number, not a formula — still says 60000, so it cannot hide the edit.
    edited = edit(path, "绩效奖金", {"I2": 40000})
    assert [str(p) for p in verify(edited, worked.input, worked.rules).problems] == [
        f"{edited}:绩效奖金!I2: cell holds 40000, recomputing gives 32681"
    ]
    # Editing the total to match is caught as well, and so is a summary figure.
    edited = edit(path, "绩效奖金", {"I2": 40000, "I8": 67319})
    assert [str(p) for p in verify(edited, worked.input, worked.rules).problems] == [
        f"{edited}:绩效奖金!I2: cell holds 40000, recomputing gives 32681",
        f"{edited}:绩效奖金!I8: cell holds 67319, recomputing gives 60000",
    ]
    edited = edit(path, "汇总", {"G8": 60000, "C16": 0.2})
    assert [str(p) for p in verify(edited, worked.input, worked.rules).problems] == [
        f"{edited}:汇总!G8: cell holds 60000, recomputing gives 53017",
        f"{edited}:汇总!C16: cell holds 0.2, recomputing gives 0.3333",
    ]


def test_verify_reports_a_deleted_total_row_and_a_missing_summary(worked: Worked) -> None:
    path = results(worked)
    book = openpyxl.load_workbook(path)
    book["绩效奖金"].delete_rows(8)
    del book["汇总"]
    copy = path.with_name("cut.xlsx")
    book.save(copy)
    problems = [
        (p.kind, p.location.sheet, p.location.row) for p in verify(copy, worked.input, worked.rules).problems
    ]
    assert problems == [("missing_sheet", "汇总", None), ("missing_row", "绩效奖金", 8)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_two_runs_give_identical_bytes(worked: Worked, lang: str) -> None:
    first = results(worked, lang, "one.xlsx")
    second = results(worked, lang, "two.xlsx")
    assert first.read_bytes() == second.read_bytes()


def test_pandas_free_values_in_the_summary(worked: Worked) -> None:
    """The summary holds plain Python values (as the tables do): nothing numpy leaks in."""
    from kpi.report.summary import summary_sheet

    values = summary_sheet(api.run(worked.input, worked.rules, PERIOD)).values()
    kinds = {type(v) for row in values for v in row}
    assert kinds <= {str, int, D, type(None)}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_and_prints_the_workbook(worked: Worked, tmp_path: Path) -> None:
    path = results(worked)
    out = tmp_path / "pdf"
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"  # never a user's profile
    command = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    pdf = out / "results-zh.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
