"""The template's messages in Chinese and English (docs/messages.md): 填表说明, the data
validations' prompts and errors, and ``--from`` warnings come from the catalogue; the sheet
and column names (the contract) stay as they are."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from support.worked import Worked
from test_template import Q4, instruction_rows, validations, ws_of

from kpi import api
from kpi.template.spec import NEEDS, months, say


def test_validation_prompts_and_errors_in_chinese(worked: Worked, tmp_path: Path) -> None:
    out = tmp_path / "zh.xlsx"
    api.write_template(worked.rules, Q4, out, lang="zh")
    people = validations(ws_of(openpyxl.load_workbook(out), "人员"))
    role = people["E2:E1000"]
    assert role.prompt.startswith("从下拉列表选择：") and role.error == "职务：请从下拉列表中选择。"
    months_dv = people["G2:G1000"]
    assert months_dv.prompt == "须为：0 至 3；空白表示整个期间"
    rows = instruction_rows(out)
    assert rows[0][0] == "2024Q4 KPI 考核输入表 · 填表说明"
    assert any(r[0] and str(r[0]).startswith("每个工作表第一行是表头") for r in rows)


def test_validation_prompts_and_errors_in_english(worked: Worked, tmp_path: Path) -> None:
    out = tmp_path / "en.xlsx"
    api.write_template(worked.rules, Q4, out, lang="en")
    people = validations(ws_of(openpyxl.load_workbook(out), "people"))
    role = people["E2:E1000"]
    assert (
        role.prompt.startswith("Pick from the list: ") and role.error == "role: pick a value from the list."
    )
    assert people["G2:G1000"].prompt == "must be: 0 to 3; blank means the whole period"
    rows = instruction_rows(out, "instructions")
    assert any(r[0] and str(r[0]).startswith("Row 1 of each sheet is its header") for r in rows)


def test_texts_render_in_either_language() -> None:
    assert say(NEEDS["staff"], "zh") == "员工必填；领导可空"
    assert say(NEEDS["staff"], "en") == "staff rows; a leader may leave it blank"
    assert say("", "zh") == ""
    bound = months(None, Q4)  # type: ignore[arg-type]
    assert say(bound.text, "zh") == "0 至 3；空白表示整个期间"  # type: ignore[union-attr]


def test_from_warnings_in_chinese(worked: Worked) -> None:
    made = api.write_template(worked.rules, Q4, worked.input.with_name("t.xlsx"), previous=worked.input)
    first = made.warnings[0]
    assert first.text(with_file=False).startswith("人员!G6: 在岗月数 2 not carried over")
    assert first.text(with_file=False, lang="zh") == (
        "人员!G6: 在岗月数 2 未转入：空白表示 2024Q4 全期在岗；如此人并非全期在岗，请在新表中填写"
    )
    deadline = made.warnings[2].text(with_file=False, lang="zh")
    assert deadline.startswith("指标!I2: 截止日期 2024-09-30 早于 2024Q4 的开始日期（2024-10-01）")
