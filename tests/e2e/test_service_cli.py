"""Service requests end to end: ``python -m kpi score`` on a workbook built here (method §6.0).

The worked quarter plus a 企业诉求 sheet and one more 点数 row, under the worked
rules plus S01 (late response, −1), S02 (late resolution, −1, max_per_period
2), S03 (settled on time, +0.5) and the 1510 rule on a calendar listing
National Day 2024 (off 1–4 and 7 October, make-up Sun 29 September and Sat 12
October). Every deadline below is counted on a wall calendar in its comment.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from explain.test_explain import check_lines
from support.service import SERVICE, service_rules, service_workbook

from .helpers import by, output_text, read_sheet, run_kpi, same, score

D = date


def d(month: int, day: int) -> date:
    return date(2024, month, day)


REQUESTS = [
    # Fri 5 Jul: r = Mon 8 Jul, c = Fri 12 Jul; answered 8, settled 12 → S03 on 12 Jul.
    ["R01", "海尔", "E05", "一般", D(2024, 7, 5), D(2024, 7, 8), D(2024, 7, 12)],
    # Answered Tue 9 > 8 → S01 on 8 Jul; never settled → S02 on 12 Jul.
    ["R02", "海信", "E05", "一般", D(2024, 7, 5), D(2024, 7, 9), None],
    # Thu 27 Jun 特殊: r = Fri 28 Jun (Q2: blank here); c = 28 Jun (1), 1–5 Jul (2–6),
    # 8–11 Jul (7–10) → Thu 11 Jul; settled 10 ≤ 11, answered 28 ≤ 28 → S03 on 11 Jul.
    ["R03", "啤酒", "E06", "特殊", D(2024, 6, 27), D(2024, 6, 28), D(2024, 7, 10)],
    # Thu 27 Jun: r = Fri 28 Jun (Q2), answered Sat 29 (late, counted in Q2); c = 28 Jun,
    # 1, 2, 3, 4 Jul → Thu 4 Jul; settled 3 ≤ 4 → on time, but no S03 (response late).
    ["R04", "双星", "E06", "一般", D(2024, 6, 27), D(2024, 6, 29), D(2024, 7, 3)],
    # Thu 26 Sep: r = Fri 27 Sep, nothing done → S01 on 27 Sep; c = 27 (1), Sun 29 make-up
    # (2), 30 (3), [1–7 Oct off] 8 (4), Wed 9 Oct (5): Q4, blank here.
    ["R05", "港务", "L02", "一般", D(2024, 9, 26), None, None],
    # Tue 8 Oct: r = 9 Oct, c = 15 Oct: both in Q4 → not listed in Q3.
    ["R06", "澳柯玛", "E05", "一般", D(2024, 10, 8), None, None],
    # Fri 27 Sep: r = Sun 29 Sep (make-up); 回应日期 blank, settled Mon 30 Sep answers it:
    # 30 > 29 → S01 on 29 Sep. c = 29, 30 Sep, 8, 9, 10 Oct → Thu 10 Oct (Q4).
    ["R07", "青啤", "E05", "一般", D(2024, 9, 27), None, D(2024, 9, 30)],
    # Mon 5 Aug: r = Tue 6 Aug, answered 5 → on time; c = 6, 7, 8, 9, Mon 12 Aug;
    # never settled → S02 on 12 Aug.
    ["R08", "特锐德", "E05", "一般", D(2024, 8, 5), D(2024, 8, 5), None],
]
TYPED = [[D(2024, 8, 20), "E05", "S02", None, "督办诉求逾期"]]

DETAIL = [
    # 编号, 负责人, 类别, 受理, 回应时限, 回应日期, 回应逾期, 办结时限, 办结日期, 办结逾期, 生成事项
    ("R01", "E05", "一般", d(7, 5), d(7, 8), d(7, 8), "否", d(7, 12), d(7, 12), "否", "S03"),
    ("R02", "E05", "一般", d(7, 5), d(7, 8), d(7, 9), "是", d(7, 12), None, "是", "S01,S02"),
    ("R03", "E06", "特殊", d(6, 27), d(6, 28), d(6, 28), None, d(7, 11), d(7, 10), "否", "S03"),
    ("R04", "E06", "一般", d(6, 27), d(6, 28), d(6, 29), None, d(7, 4), d(7, 3), "否", None),
    ("R05", "L02", "一般", d(9, 26), d(9, 27), None, "是", d(10, 9), None, None, "S01"),
    ("R07", "E05", "一般", d(9, 27), d(9, 29), None, "是", d(10, 10), d(9, 30), None, "S01"),
    ("R08", "E05", "一般", d(8, 5), d(8, 6), d(8, 5), "否", d(8, 12), None, "是", "S02"),
]  # fmt: skip
HEADERS = {
    "zh": [
        "编号",
        "企业",
        "负责人",
        "类别",
        "受理日期",
        "回应时限",
        "回应日期",
        "回应逾期",
        "办结时限",
        "办结日期",
        "办结逾期",
        "生成事项",
    ],
    "en": [
        "id",
        "company",
        "handler",
        "kind",
        "received",
        "respond_by",
        "responded",
        "late_response",
        "resolve_by",
        "resolved",
        "late_resolution",
        "codes",
    ],
}
FLAGS = {"en": {"是": "yes", "否": "no"}, "zh": {"是": "是", "否": "否"}}


@pytest.fixture
def case(tmp_path: Path) -> tuple[Path, Path]:
    return (
        service_workbook(tmp_path / "input.xlsx", REQUESTS, points=TYPED),
        service_rules(tmp_path / "rules.yaml"),
    )


def _cell(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_score_publishes_service_detail_and_the_derived_events(
    case: tuple[Path, Path], tmp_path: Path, lang: str
) -> None:
    input_path, rules_path = case
    out = tmp_path / f"results-{lang}.xlsx"
    score(input_path, rules_path, "2024Q3", out, "--lang", lang, "--quiet")
    book = openpyxl.load_workbook(out, data_only=True)
    sheet = book["诉求明细" if lang == "zh" else "service_detail"]
    assert book.sheetnames[-2:] == [sheet.title, "运行信息" if lang == "zh" else "run_info"]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS[lang]
    companies = {r[0]: r[1] for r in REQUESTS}
    flags = FLAGS[lang]

    def flag(value: object) -> str | None:
        """是/否 in the output language; None (blank: deadline outside the period) as is."""
        return None if value is None else flags[str(value)]

    expected = [[d[0], companies[d[0]], *d[1:6], flag(d[6]), d[7], d[8], flag(d[9]), d[10]] for d in DETAIL]
    assert rows[1:] == expected

    ledger = by_code(read_sheet(out, "points_ledger", lang))
    # E05: S01 from R02 and R07; S02 from R02, R08 and the typed row: −3 → clamp ±2 → −2.
    assert_row(ledger[("E05", "S01")], 2, "-2", None, "-2")
    assert_row(ledger[("E05", "S02")], 3, "-3", "2", "-2")
    assert_row(ledger[("E05", "S03")], 1, "0.5", None, "0.5")
    assert_row(ledger[("E06", "S03")], 1, "0.5", None, "0.5")  # R03 only: R04's response was late
    assert_row(ledger[("L02", "S01")], 1, "-1", None, "-1")
    assert ("E06", "S02") not in ledger and ("L02", "S02") not in ledger

    # Net points: E06 typed B01 −1 + S03 0.5 = −0.50; L02 typed B02 −2 + S01 −1 = −3.00;
    # E05 24 − 2 − 2 + 0.5 = 20.5 → person cap 20.00.
    individuals = by(read_sheet(out, "individuals", lang), "id")
    assert same(individuals["E06"]["points"], Decimal("-0.5"))
    assert same(individuals["E05"]["points"], Decimal(20))
    assert same(by(read_sheet(out, "leaders", lang), "id")["L02"]["points"], Decimal(-3))


def by_code(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["target"], r["code"]): r for r in rows}


def assert_row(row: dict[str, Any], events: int, raw: str, cap: str | None, counted: str) -> None:
    assert row["events"] == events
    assert same(row["raw_total"], Decimal(raw))
    assert same(row["code_cap"], None if cap is None else Decimal(cap))
    assert same(row["counted"], Decimal(counted))


def test_verify_accepts_the_results_and_names_an_edited_service_cell(
    case: tuple[Path, Path], tmp_path: Path
) -> None:
    input_path, rules_path = case
    out = tmp_path / "results.xlsx"
    score(input_path, rules_path, "2024Q3", out, "--quiet")
    ok = run_kpi("verify", out, "--input", input_path, "--rules", rules_path)
    assert ok.returncode == 0, output_text(ok)
    book = openpyxl.load_workbook(out)
    book["诉求明细"]["H3"] = "否"  # R02's 回应逾期
    book.save(tmp_path / "edited.xlsx")
    edited = run_kpi("verify", tmp_path / "edited.xlsx", "--input", input_path, "--rules", rules_path)
    assert edited.returncode == 1
    assert "诉求明细!H3: 单元格为 '否'，重新计算得 '是'" in output_text(edited)


def test_validate_counts_the_requests(case: tuple[Path, Path]) -> None:
    """The worked quarter's 8 people and 32 point events (one typed here: 33), and the
    8 rows of REQUESTS; no 测评 sheet, so no evaluation count."""
    input_path, rules_path = case
    for lang, expected in (
        ("zh", f"{input_path}：通过（8 人，33 条点数事项，8 条企业诉求）"),
        ("en", f"{input_path}: ok (8 people, 33 point events, 8 service requests)"),
    ):
        result = run_kpi("validate", input_path, "--rules", rules_path, "--period", "2024Q3", "--lang", lang)
        assert result.returncode == 0, output_text(result)
        assert result.stdout.strip() == expected


def explain(input_path: Path, rules_path: Path, who: str, *extra: str) -> list[str]:
    result = run_kpi("explain", input_path, "--rules", rules_path, "--period", "2024Q3", "--who", who, *extra)
    assert result.returncode == 0, output_text(result)
    return result.stdout.splitlines()


def test_explain_shows_each_request_its_deadlines_and_events(case: tuple[Path, Path]) -> None:
    input_path, rules_path = case
    lines = [line.strip() for line in explain(input_path, rules_path, "E06", "--lang", "en")]
    assert check_lines(lines) > 5  # every printed equation still recomputes
    section = lines[lines.index("service requests") : lines.index("points")]
    body = [line.split("  [")[0] for line in section]  # without the citations
    cited = [line.partition("  [")[2] for line in section]
    assert body[2:8] == [
        "R03 啤酒 特殊: received 2024-06-27 Thu, responded 2024-06-28, resolved 2024-07-10",
        "respond_by = wd(2024-06-27, 1) = 2024-06-28 Fri",
        "response 2024-06-28 ≤ respond_by 2024-06-28: on time "
        "(the deadline lies outside 2024Q3: this check does not count here)",
        "resolve_by = wd(2024-06-27, 10) = 2024-07-11 Thu; skipped 2024-06-29 Sat–06-30 Sun weekend "
        "(2 days), 2024-07-06 Sat–07-07 Sun weekend (2 days)",
        "resolved 2024-07-10 ≤ resolve_by 2024-07-11: on time "
        "(the deadline lies in 2024Q3: this check counts here)",
        "events: S03 诉求按时办结 0.5 on 2024-07-11 (settled on time)",
    ]
    assert cited[2] == "企业诉求!4]"
    assert cited[3] == f"{rules_path}:{line_of(rules_path, 'respond_days')} service.respond_days]"
    assert cited[5] == f"{rules_path}:{line_of(rules_path, 'resolve_days')} service.resolve_days.特殊]"
    r04 = body[body.index(next(x for x in body if x.startswith("R04"))) :]
    assert r04[2] == (
        "response 2024-06-29 > respond_by 2024-06-28: late "
        "(the deadline lies outside 2024Q3: this check does not count here)"
    )
    assert r04[5].startswith("events: none — settled on time, but the response was late")
    assert (
        body[-2]  # the section ends with a blank line
        == "S03 诉求按时办结: 1 event(s) from 企业诉求, Σ 0.50, counted in full: 0.50 (no max_per_period)"
    )
    points = lines[lines.index("points") :]
    assert any(
        "S03 诉求按时办结: 0.5 (blank → default) — 企业诉求 R03" in x and "[企业诉求!4;" in x for x in points
    )
    assert any(x.startswith("S03 Σ = 0.50  (1 event(s), 1 from 企业诉求)") for x in points)


def line_of(path: Path, fragment: str) -> int:
    return next(
        i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in text
    )


def test_explain_shows_how_the_clamp_treated_service_and_typed_events(case: tuple[Path, Path]) -> None:
    lines = [line.strip() for line in explain(*case, "E05", "--lang", "en")]
    assert any(
        x.startswith("S02 诉求逾期办结: 2 event(s) from 企业诉求 + 1 typed in 点数, Σ -3.00 → clamp to ±2: ")
        and "counted -2.00 (clamped)" in x
        for x in lines
    ), lines
    # R07: answered by its settlement date, counted on the make-up Sunday.
    assert any(
        x.startswith("respond_by = wd(2024-09-27, 1) = 2024-09-29 Sun; skipped 2024-09-28 Sat weekend; ")
        and "counted 2024-09-29 Sun make-up working day (calendar.workdays)" in x
        for x in lines
    ), lines
    assert "response (办结日期, 回应日期 blank) 2024-09-30 > respond_by 2024-09-29: late" in " ".join(lines)


def test_explain_with_the_statutory_table_names_the_holidays(tmp_path: Path) -> None:
    statutory = SERVICE.replace("statutory: false", "statutory: true")
    statutory = statutory.replace(
        "    holidays: [2024-10-01, 2024-10-02, 2024-10-03, 2024-10-04, 2024-10-07]\n"
        "    workdays: [2024-09-29, 2024-10-12]\n",
        "",
    )
    input_path = service_workbook(tmp_path / "input.xlsx", [REQUESTS[6]])
    rules_path = service_rules(tmp_path / "rules.yaml", statutory)
    en = " ".join(explain(input_path, rules_path, "E05", "--lang", "en"))
    # R07 (Fri 27 Sep): r = Sun 29 Sep, the table's make-up day; c = 29, 30 Sep, 8, 9, 10 Oct.
    assert "respond_by = wd(2024-09-27, 1) = 2024-09-29 Sun; skipped 2024-09-28 Sat weekend; " in en
    assert "counted 2024-09-29 Sun statutory make-up working day National Day" in en
    assert "service requests" in en
    assert "2024-10-01 Tue–10-07 Mon statutory holiday National Day (7 days)" in en
    zh = " ".join(explain(input_path, rules_path, "E05"))
    assert "respond_by = wd(2024-09-27, 1) = 2024-09-29 周日；跳过 2024-09-28 周六 周末；" in zh
    assert "计入 2024-09-29 周日 法定调休上班日 国庆节" in zh
    assert "2024-10-01 周二–10-07 周一 法定节假日 国庆节（7 天）" in zh
    document = json.loads(
        run_kpi(
            "explain",
            input_path,
            "--rules",
            rules_path,
            "--period",
            "2024Q3",
            "--who",
            "E05",
            "--json",
            "--lang",
            "en",
        ).stdout
    )
    section = next(s for s in document["sections"] if s["title"] == "service requests")
    assert section["items"][1] == {
        "fact": "R07 青啤 一般: received 2024-09-27 Fri, responded blank, resolved 2024-09-30",
        "sources": ["企业诉求!2"],
    }


def test_statutory_rules_refuse_a_year_the_table_does_not_know(
    case: tuple[Path, Path], tmp_path: Path
) -> None:
    input_path, _ = case
    rules_path = service_rules(
        tmp_path / "statutory.yaml", SERVICE.replace("statutory: false", "statutory: true")
    )
    result = run_kpi(
        "score", input_path, "--rules", rules_path, "--period", "2027Q1", "--out", tmp_path / "out.xlsx"
    )
    assert result.returncode == 1
    line = next(
        i
        for i, text in enumerate(rules_path.read_text(encoding="utf-8").splitlines(), 1)
        if "statutory:" in text
    )
    assert f"错误：{rules_path}:{line}: service.calendar.statutory（" in result.stderr
    assert "只包含 2004–2026 年，不包含 2027 年" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()
