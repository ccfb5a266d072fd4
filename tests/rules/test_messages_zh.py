"""Rules-file problems, rules diff and verify lines in Chinese: the words from the catalogue,
every rules key path glossed (``points.events（点数事项目录）``), the values kept as written."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import openpyxl
import pytest
from support.worked import WORKED_QUARTER, Worked

from kpi import api
from kpi.audit.rules_diff import diff_rules, lines
from kpi.audit.verify import verify
from kpi.errors import Problem, RulesError
from kpi.i18n import Msg, render
from kpi.periods import Period
from kpi.rules import parse_rules


@cache
def worked_text() -> str:
    return (WORKED_QUARTER / "rules.yaml").read_text(encoding="utf-8")


def variant(old: str, new: str) -> str:
    text = worked_text()
    assert text.count(old) == 1, old
    return text.replace(old, new)


def refused(text: str) -> list[Problem]:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "rules.yaml")
    return caught.value.problems


def only(text: str) -> Problem:
    (problem,) = refused(text)
    assert isinstance(problem.message, Msg)
    return problem


def test_an_unknown_key_in_chinese_shows_the_glossed_path_and_the_suggestion() -> None:
    problem = only(variant("quota: 0.2", "quata: 0.2"))
    assert problem.message.startswith("unknown key 'quata' in grades.bands[0] (allowed: ")
    zh = render(problem.message, "zh")
    assert zh.startswith("grades.bands[0]（等次列表 第1项）中有未知的键 'quata'（允许的键：name, min, quota")
    assert zh.endswith("——是否应为 'quota'？")
    assert problem.text(lang="zh").startswith(f"rules.yaml:{problem.location.line}: grades.bands[0]（")


def test_a_wrong_value_in_chinese_names_the_key_and_keeps_the_value() -> None:
    problem = only(variant("cap: 1.2", "cap: -1"))
    assert problem.message == "indicators.cap must be > 0, got -1"
    assert render(problem.message, "zh") == "indicators.cap（指标 完成率计分上限）必须 > 0，实际为 -1"


def test_a_missing_key_and_a_duplicate_key_in_chinese() -> None:
    missing = only(variant("  late_factor: 0.8\n", ""))
    assert render(missing.message, "zh") == "indicators（指标）中缺少必填的键 'late_factor'（指标 逾期系数）"
    duplicate = refused(variant("base_score: 100", "base_score: 100\nbase_score: 90"))[0]
    assert render(duplicate.message, "zh").startswith("顶层有重复的键 'base_score'（首次出现在第 ")


def test_a_cross_key_check_of_the_schema_in_chinese() -> None:
    problem = only(variant("  pool: 60000", "  pool: 60000.5"))
    assert problem.message == "bonus.pool must be whole yuan, got 60000.5"
    assert render(problem.message, "zh") == "bonus.pool（奖金总额）必须是整元，实际为 60000.5"


def test_a_yaml_refusal_in_chinese() -> None:
    problem = only(worked_text() + "x: &a 1\n")
    assert render(problem.message, "zh") == "发现锚点 &a：规则文件中不允许使用锚点和别名，请把每个值完整写出"


def test_rules_diff_lines_in_chinese_and_english() -> None:
    new = parse_rules(variant("quota: 0.2", "quota: 0.15"), "new.yaml")
    changes = diff_rules(parse_rules(worked_text(), "old.yaml"), new)
    assert lines(changes, "en") == ["grades.bands[优秀].quota: 0.2 → 0.15  (touches: grades, bonus)"]
    assert lines(changes, "zh") == [
        "grades.bands[优秀].quota（等次列表 优秀 名额比例）：0.2 → 0.15（影响：等次、绩效奖金）"
    ]
    assert lines([], "zh") == ["规则没有变化（注释、格式和键的顺序不计）"]


def test_verify_lines_in_chinese(worked: Worked, tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    api.write_results(api.run(worked.input, worked.rules, Period.parse("2024Q3")), out)
    book = openpyxl.load_workbook(out)
    book["个人得分"]["I2"] = 103.4
    book.save(out)
    report = verify(out, worked.input, worked.rules)
    assert report.lines("zh") == [
        f"{out}:个人得分!I2: 单元格为 103.4，重新计算得 103.41",
        f"{out}：与按 {worked.rules} 对 {worked.input} 重新计算 2024Q3 的结果有 1 处不同",
    ]
    assert report.lines("en")[0] == f"{out}:个人得分!I2: cell holds 103.4, recomputing gives 103.41"
    assert report.as_dict("zh")["problems"][0]["message"] == "单元格为 103.4，重新计算得 103.41"
