"""``kpi explain`` in Chinese and in English: the words from the catalogue, the symbols,
numbers, citations and workbook values unchanged.

In Chinese every line is Chinese apart from the formulas' symbols (``r2``, ``clamp``,
``bonus_base`` …), the rules keys and the data; in English no word of the catalogue's
Chinese is left.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from support.worked import WORKED_QUARTER as WORKED

from kpi import api
from kpi.engine.grades import grade_population
from kpi.engine.results import Results
from kpi.errors import KpiError
from kpi.explain.model import Explanation
from kpi.i18n import render
from kpi.periods import Period

PERIOD = Period.parse("2024Q3")

#: English words a Chinese line may hold: the symbols of the formulas, rules keys, a
#: rank-score method and the command a note points to.
SYMBOLS = {
    "actual",
    "add",
    "base_score",
    "bonus_base",
    "cap",
    "ceil",
    "clamp",
    "deduct",
    "explain",
    "factor",
    "floor",
    "grade_factor",
    "kpi",
    "level_multiplier",
    "max",
    "max_per_period",
    "min",
    "months_factor",
    "percentile",
    "points_reward",
    "pool",
    "post_coef",
    "quota",
    "role_coef",
    "round0",
    "score",
    "score_cap",
    "true",
    "w_dep",
    "w_per",
    "weight",
    "who",
    "yuan_per_point",
}
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z_]{3,}(?![A-Za-z0-9_])")  # not codes such as ZB01
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def results() -> Results:
    return api.run(WORKED / "input.xlsx", WORKED / "rules.yaml", PERIOD)


def members(results: Results) -> list[str]:
    return [*results.departments["department"], *results.leaders["id"], *results.individuals["id"]]


def english_words(line: str) -> set[str]:
    """The English words of a printed line, its citations ([…]) left out."""
    body = line.split("  [")[0]
    dotted = {w for w in re.findall(r"\b\w+\.\w+(?:\.\w+)*\b", body)}  # rules keys: veto.forfeit_bonus
    for key in dotted:
        body = body.replace(key, "")
    return set(WORD.findall(body)) - SYMBOLS


def test_every_line_is_chinese_in_zh(results: Results) -> None:
    for who in members(results):
        explanation = api.explain(results, who, "zh")
        lines = explanation.lines()[1:]
        # The rules and input section names the files: paths, not prose.
        body = [line for line in lines if not line.startswith("  ") or "sha256" not in line]
        stray = {line: words for line in body if (words := english_words(line))}
        assert not stray, f"{who}: English left in the Chinese explanation: {stray}"


def test_the_zh_lines_say_it_in_chinese(results: Results) -> None:
    lines = [line.strip() for line in api.explain(results, "E03", "zh").lines()]
    assert "排名与等次" in lines and "绩效奖金" in lines
    assert "合计 = max(0, 绩效奖金 + points_reward) = max(0, 7263 + 400) = 7663" in lines
    assert any(line.startswith("优秀 名额 = ceil(n × quota) = ceil(6 × 0.2) = 2") for line in lines)
    assert "优秀 名额已满：顺延至 良好" in lines
    assert any(line.startswith("排名 = 2  (个人共 6 名，") for line in lines)


def test_section_titles_and_json_follow_the_language(results: Results) -> None:
    zh = api.explain(results, "E04", "zh").as_dict()
    en = api.explain(results, "E04", "en").as_dict()
    assert [s["title"] for s in zh["sections"]] == [
        "规则与输入",
        "人员",
        "点数",
        "个人得分",
        "部门得分",
        "综合得分",
        "否决",
        "排名与等次",
        "绩效奖金",
    ]
    assert [s["title"] for s in en["sections"]] == [
        "rules and input",
        "roster",
        "points",
        "personal score",
        "department score",
        "score",
        "veto",
        "rank and grade",
        "bonus",
    ]
    veto_zh = next(s for s in zh["sections"] if s["title"] == "否决")["items"]
    veto_en = next(s for s in en["sections"] if s["title"] == "veto")["items"]
    assert veto_zh[0]["fact"] == "全面从严治党（部门负责人连带：综合部，否决表第2行）"
    assert veto_en[0]["fact"] == "全面从严治党: head of vetoed 综合部 (否决 row 2)"
    assert veto_zh[1]["label"] == "S 否决后" and veto_en[1]["label"] == "S vetoed"
    assert veto_zh[1]["expression"] == veto_en[1]["expression"] == "r2(min(70.20, 60))"
    assert veto_zh[0]["sources"] == veto_en[0]["sources"]


def test_english_keeps_no_chinese_of_the_catalogue(results: Results) -> None:
    """In English, Chinese appears only in the workbook's values (names, 否决 rows …):
    every section title and step label, formula and note of the catalogue is English."""
    for who in members(results):
        explanation = api.explain(results, who, "en")
        for section in explanation.sections:
            assert not HAN.search(section.title), (who, section.title)
        for step in explanation.steps():
            shown = step.as_dict("en")
            assert not HAN.search(shown["formula"]), (who, shown)


def test_an_explanation_renders_in_another_language_on_request(results: Results) -> None:
    explanation: Explanation = api.explain(results, "E03", "zh")
    assert "绩效奖金 = 7262 + 1 = 7263" in [line.strip() for line in explanation.lines()]
    assert "bonus = 7262 + 1 = 7263" in [line.strip() for line in explanation.lines("en")]


def test_unknown_member_in_chinese(results: Results) -> None:
    with pytest.raises(KpiError) as caught:
        api.explain(results, "E1")
    message = caught.value.problems[0].message
    assert "did you mean" in message  # the English value
    zh = render(message, "zh")
    assert "不是" in zh and "工号、部门或姓名" in zh and "'E1'" in zh and "是否指" in zh


def test_quota_tie_warning_in_chinese(results: Results) -> None:
    rules = results.rules
    from decimal import Decimal

    import pandas as pd

    members = pd.DataFrame(
        {
            "id": ["E01", "E02", "E03", "E04", "E05", "E06"],
            "score": [Decimal(s) for s in ("103.41", "102.80", "102.80", "60.00", "96.00", "94.73")],
            "vetoed": [False] * 6,
        }
    )
    [tie] = grade_population(members, rules, "individual").warnings
    assert "tie at the quota cut of 优秀" in tie.message
    zh = render(tie.message, "zh")
    assert zh.startswith("个人：优秀 名额分界处并列（得分 102.80）")
    assert "E02" in zh and "E03" in zh and "按工号顺序" in zh


def test_slips_in_chinese(results: Results, tmp_path: Path) -> None:
    out = tmp_path / "slips.xlsx"
    api.write_slips(results, out, lang="zh")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["个人", "领导", "部门"]
    rows = list(wb["个人"].iter_rows(values_only=True))
    assert rows[0][0].startswith("绩效考核结果通知单")
    assert rows[1] == ("工号", "姓名", "部门", "综合得分", "排名", "等次", "绩效奖金", "合计")
    assert rows[4][0] == "规则与输入"
    texts = [str(r[0]) for r in rows if r[0]]
    assert (
        "本人签字：" in texts
        and "合计 = max(0, 绩效奖金 + points_reward) = max(0, 32681 + 900) = 33581" in texts
    )


def test_service_requests_are_told_in_chinese(tmp_path: Path) -> None:
    from support.service import service_rules, service_workbook

    day = PERIOD.first_day.replace
    requests = [  # on time (S03); answered late and never settled (S01, S02); over the weekend
        ["R01", "海尔", "E05", "一般", day(day=5), day(day=8), day(day=12)],
        ["R02", "海信", "E05", "一般", day(day=5), day(day=9), None],
        ["R03", "青啤", "E06", "一般", day(month=9, day=27), None, day(month=9, day=30)],
    ]
    input_path = service_workbook(tmp_path / "input.xlsx", requests)
    results = api.run(input_path, service_rules(tmp_path / "rules.yaml"), PERIOD)
    assert results.service_detail is not None
    for who in results.service_detail["handler"].unique():
        lines = api.explain(results, str(who), "zh").lines()[1:]
        body = [line for line in lines if "sha256" not in line]
        deadlines = {"respond_by", "resolve_by"}  # symbols of the deadlines
        stray = {line: words for line in body if (words := english_words(line) - deadlines)}
        assert not stray, f"{who}: English left in the Chinese explanation: {stray}"
