"""What the report prints and refuses, in Chinese (the default) and in English, from the catalogue."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest
from rich.console import Console

from kpi.batch import FAILED, OK, Outcome, plan
from kpi.engine.veto import VetoCause
from kpi.errors import Location, OutputError, Problem
from kpi.i18n import _, set_language
from kpi.report import summary, terminal
from kpi.report.batch_report import batch_table, closing_line, problem_lines
from kpi.report.output import check_output
from kpi.report.workbook import footer
from kpi.signals import Interrupted


@pytest.fixture(autouse=True)
def _no_language_set() -> object:
    set_language(None)
    yield
    set_language(None)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def tie(file: str = "rules.yaml") -> Problem:
    return Problem.warning(Location(file, line=42), _("tie at {score}", score="102.80"))


def test_warning_lines_follow_the_language() -> None:
    warnings = [tie() for __ in range(terminal.MAX_WARNINGS + 3)]
    zh = terminal.warning_lines(warnings, "zh")
    assert zh[0] == "警告：rules.yaml:42: tie at 102.80"
    assert zh[-1] == "警告：……另有 3 条：全部警告见结果工作簿的运行信息表"
    en = terminal.warning_lines(warnings, "en", in_workbook=False)
    assert en[0] == "warning: rules.yaml:42: tie at 102.80"
    assert en[-1] == "warning: … 3 more"


def test_warning_lines_default_to_the_current_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KPI_LANG", raising=False)
    assert terminal.warning_lines([tie()])[0].startswith("警告：")
    set_language("en")
    assert terminal.warning_lines([tie()])[0].startswith("warning: ")


def test_batch_lines_name_the_workbook_in_either_language() -> None:
    failed = Outcome("高新区-2024Q3.xlsx", "out.xlsx", FAILED, "2024Q3")
    failed.problems = [Problem(Location("高新区-2024Q3.xlsx"), _("not enough memory to score this workbook"))]
    failed.warnings = [tie()]
    assert problem_lines(failed, "zh") == [
        "错误：高新区-2024Q3.xlsx: 内存不足，无法为此工作簿计分",
        "警告：rules.yaml:42: tie at 102.80（计分 高新区-2024Q3.xlsx 时）",
    ]
    assert problem_lines(failed, "en") == [
        "error: 高新区-2024Q3.xlsx: not enough memory to score this workbook",
        "warning: rules.yaml:42: tie at 102.80 (scoring 高新区-2024Q3.xlsx)",
    ]
    ok = Outcome("a.xlsx", "a-结果.xlsx", OK, "2024Q3")
    assert closing_line([ok, failed, ok], "zh") == "共 3 个工作簿：2 个已计分，1 个失败"
    assert closing_line([ok, failed, ok], "en") == "3 workbooks: 2 scored, 1 failed"
    assert closing_line([ok], "en") == "1 workbook: 1 scored"


def test_a_problem_sent_between_processes_is_still_rendered_in_chinese() -> None:
    outcome = Outcome("a.xlsx", "out", FAILED)
    outcome.problems = [Problem(Location("a.xlsx"), _("not enough memory to score this workbook"))]
    again = pickle.loads(pickle.dumps(outcome))
    assert problem_lines(again, "zh") == ["错误：a.xlsx: 内存不足，无法为此工作簿计分"]


def test_the_batch_table_headers_and_status_in_chinese() -> None:
    outcome = Outcome("a.xlsx", "out", FAILED, "2024Q3")
    console = Console(file=io.StringIO(), width=120)
    console.print(batch_table([outcome], "zh"))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert all(word in text for word in ("文件", "考核期间", "状态", "失败", "2024Q3"))
    console = Console(file=io.StringIO(), width=120)
    console.print(batch_table([outcome], "en"))
    assert "failed" in console.file.getvalue()  # type: ignore[attr-defined]


def test_two_inputs_for_one_results_file_are_refused_in_chinese(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "x-2024Q3.xlsx", tmp_path / "b" / "x-2024Q3.xlsx"
    jobs = plan([first, second], tmp_path / "rules.yaml", None, tmp_path / "out")
    refused = jobs[1].refused
    assert refused is not None and "is the one of" in refused
    zh = refused.to("zh")  # type: ignore[attr-defined]
    assert has_chinese(zh) and str(first) in zh and str(jobs[1].out) in zh


def test_output_refusals_are_chinese_with_their_parameters(tmp_path: Path) -> None:
    out = tmp_path / "results.xlsx"
    out.write_bytes(b"earlier")
    with pytest.raises(OutputError) as caught:
        check_output(out, force=False, inputs=[])
    [problem] = caught.value.problems
    assert "already exists: add --force" in problem.message
    assert problem.text(lang="zh") == f"{out}: 文件已存在：如要覆盖请加 --force，或另选 --out"
    with pytest.raises(OutputError) as caught:
        check_output(tmp_path / "results.txt", force=False, inputs=[])
    assert caught.value.problems[0].text(lang="zh").endswith("结果文件名必须以 .xlsx 结尾")


def test_veto_causes_in_chinese_as_before_and_in_english_as_described() -> None:
    direct = VetoCause(5, "安全生产", "招商部", "direct")
    cascade = VetoCause(7, "全面从严治党", "招商部", "leader_in_charge")
    assert summary.cause_text(direct, "zh") == "安全生产（否决表第5行）"
    assert summary.cause_text(cascade, "zh") == "全面从严治党（分管领导连带：招商部，否决表第7行）"
    for cause in (
        direct,
        cascade,
        VetoCause(7, "x", "y", "department_head"),
        VetoCause(7, "x", "y", "members"),
    ):
        assert summary.cause_text(cause, "en") == cause.describe() == summary.cause_message(cause)


def test_labels_and_footer_from_the_catalogue() -> None:
    assert summary.LABELS["zh"]["title"].format(period="2024Q3") == "2024Q3 绩效考核结果汇总"
    assert summary.LABELS["zh"]["sign"] == ("制表：", "审核：", "批准：")
    assert summary.LABELS["en"]["populations"]["leaders"] == "leaders"
    assert terminal.LABELS["zh"]["people"]["individuals"] == "个人"
    assert footer("2024Q3", "zh") == "&L考核期间：2024Q3&C&A&R第 &P 页，共 &N 页"
    assert footer("A&B", "en") == "&LPeriod: A&&B&C&A&RPage &P of &N"


def test_interrupted_messages() -> None:
    stop = Interrupted(15)
    assert stop.message().to("zh") == "被 SIGTERM 中断"
    assert stop.batch_message(3, 30).to("zh") == "被 SIGTERM 中断：已停止；30 个结果中已写入 3 个"
    assert stop.run_message() == "interrupted by SIGTERM: stopped, no results file written or changed"
    stop.written = Path("out.xlsx")
    assert stop.message() == "interrupted by SIGTERM after its results file was written in full"
    assert stop.run_message().to("zh") == "out.xlsx：被 SIGTERM 中断（文件已完整写入之后）"
