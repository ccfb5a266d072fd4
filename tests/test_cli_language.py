"""The language of the ``kpi`` command: ``--lang``, else ``KPI_LANG``, else Chinese.

Through the real program (``python -m kpi`` in a child process), since the help is
built before click parses a word. The rest of the suite runs with ``KPI_LANG=en``
(tests/conftest.py); here the environment is set per run.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from support.process import child_env, run_kpi

from kpi.cli import _lang_in
from kpi.i18n import _

WORKED = Path(__file__).resolve().parent / "data" / "worked_quarter"


def no_lang(**extra: str) -> dict[str, str]:
    """The environment of a user who set no language."""
    env = child_env(**extra)
    if "KPI_LANG" not in extra:
        env.pop("KPI_LANG", None)
    return env


def err(result: object) -> str:
    return result.stderr.decode("utf-8")  # type: ignore[attr-defined, no-any-return]


def out(result: object) -> str:
    return result.stdout.decode("utf-8")  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def bad_cell(tmp_path: Path) -> tuple[Path, Path]:
    """The worked quarter with a 在岗月数 that is not a number."""
    book = openpyxl.load_workbook(WORKED / "input.xlsx")
    people = book["人员"]
    header = [cell.value for cell in people[1]]
    people.cell(row=2, column=header.index("在岗月数") + 1, value="三个月")
    path = tmp_path / "input.xlsx"
    book.save(path)
    shutil.copyfile(WORKED / "rules.yaml", tmp_path / "rules.yaml")
    return path, tmp_path / "rules.yaml"


def validate(files: tuple[Path, Path], *extra: str, env: dict[str, str]) -> object:
    book, rules = files
    return run_kpi("validate", str(book), "--rules", str(rules), "--period", "2024Q3", *extra, env=env)


def test_a_bad_cell_is_reported_in_chinese_by_default(bad_cell: tuple[Path, Path]) -> None:
    result = validate(bad_cell, env=no_lang())
    assert result.returncode == 1  # type: ignore[attr-defined]
    lines = err(result).splitlines()
    assert lines[0].startswith(f"错误：{bad_cell[0]}:人员!") and "三个月" in lines[0]
    assert lines[-1] == "发现 1 个问题，未写出任何文件。"
    assert "error:" not in err(result)


@pytest.mark.parametrize("how", ["option", "equals", "env"])
def test_english_with_lang_en_or_kpi_lang(bad_cell: tuple[Path, Path], how: str) -> None:
    if how == "env":
        result = validate(bad_cell, env=no_lang(KPI_LANG="en"))
    else:
        extra = ("--lang", "en") if how == "option" else ("--lang=en",)
        result = validate(bad_cell, *extra, env=no_lang(KPI_LANG="zh"))  # the option wins
    assert result.returncode == 1  # type: ignore[attr-defined]
    lines = err(result).splitlines()
    assert lines[0].startswith(f"error: {bad_cell[0]}:人员!") and "三个月" in lines[0]
    assert lines[-1] == "1 problem found; nothing written."


def test_json_messages_follow_the_language(bad_cell: tuple[Path, Path]) -> None:
    zh = json.loads(out(validate(bad_cell, "--json", env=no_lang())))
    en = json.loads(out(validate(bad_cell, "--json", "--lang", "en", env=no_lang())))
    assert zh["ok"] is False and en["ok"] is False
    assert zh["errors"][0]["row"] == en["errors"][0]["row"]
    assert "三个月" in zh["errors"][0]["message"] and "三个月" in en["errors"][0]["message"]


def test_an_unknown_kpi_lang_is_ignored(bad_cell: tuple[Path, Path]) -> None:
    result = validate(bad_cell, env=no_lang(KPI_LANG="fr_FR.UTF-8"))
    assert err(result).startswith("错误：")


def test_an_unknown_lang_is_a_usage_error_in_the_language() -> None:
    result = run_kpi("rules", "check", "rules.yaml", "--lang", "xx", env=no_lang())
    assert result.returncode == 2
    assert err(result).splitlines()[-1] == "错误：--lang 的值无效：须为 zh 或 en，不能是 xx"
    result = run_kpi("rules", "check", "rules.yaml", "--lang", "xx", env=no_lang(KPI_LANG="en"))
    assert result.returncode == 2
    assert err(result).splitlines()[-1] == "Error: Invalid value for --lang: must be zh or en, not xx"


def test_help_in_chinese_by_default_and_in_english_with_lang_en() -> None:
    zh = run_kpi("--help", env=no_lang())
    assert zh.returncode == 0
    text = out(zh)
    assert text.startswith("用法：kpi [OPTIONS] COMMAND [ARGS]...")
    assert "kpi —— 四数 KPI 考核计算工具。" in text
    assert "选项" in text and "命令" in text and "显示本帮助并退出。" in text
    assert re.search(r"score\s+计算一个考核期并写出结果", text)
    assert "Usage" not in text and "Show this message" not in text

    for args, env in ((("--help", "--lang", "en"), no_lang()), (("--help",), no_lang(KPI_LANG="en"))):
        en = run_kpi(*args, env=env)
        assert en.returncode == 0
        text = out(en)
        assert text.startswith("Usage: kpi [OPTIONS] COMMAND [ARGS]...")
        assert "Options" in text and "Show this message and exit." in text
        assert "用法" not in text


def test_a_command_help_in_chinese() -> None:
    text = out(run_kpi("score", "--help", env=no_lang()))
    assert text.startswith("用法：kpi score [OPTIONS] {INPUT}...")
    assert "参数" in text and "[必填]" in text and "[默认：xlsx]" in text
    assert "规则文件（YAML）。" in text
    assert "Rules file" not in text


def test_a_usage_error_in_chinese() -> None:
    result = run_kpi("score", "input.xlsx", "--bogus", env=no_lang())
    assert result.returncode == 2
    lines = err(result).splitlines()
    assert lines[0].startswith("用法：kpi score")
    assert lines[1] == "请运行“kpi score --help”查看帮助。"
    assert lines[-1].startswith("错误：没有选项：--bogus")

    missing = run_kpi("score", "input.xlsx", env=no_lang())
    assert missing.returncode == 2
    assert err(missing).splitlines()[-1] == "错误：缺少选项 '--rules' / '-r'。"

    conflict = run_kpi("score", "a.xlsx", "b.xlsx", "--rules", "r.yaml", "--out", "o.xlsx", env=no_lang())
    assert conflict.returncode == 2
    assert err(conflict).splitlines()[-1] == "错误：--out 的值无效：多个输入需要 --out-dir"


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("score", "a.xlsx", "-r"), "错误：选项 -r 需要一个值", "Error: option -r needs a value"),
        (
            ("scor",),
            "错误：没有命令 'scor'。是否应为 'score'？",
            "Error: No such command 'scor'. Did you mean 'score'?",
        ),
        (
            ("validate", "a", "b", "c", "-r", "r.yaml", "-p", "2024Q3"),
            "错误：多余的参数：b c",
            "Error: unexpected extra arguments: b c",
        ),
        (
            ("score", "a.xlsx", "--jobs", "0"),
            "错误：'--jobs' / '-j' 的值无效：须不小于 1，不能是 0",
            "Error: Invalid value for '--jobs' / '-j': must be 1 or more, not 0",
        ),
        (
            ("explain", "a.xlsx", "--year", "2024年"),
            "错误：'--year' / '-y' 的值无效：“2024年”不是整数",
            "Error: Invalid value for '--year' / '-y': '2024年' is not a whole number",
        ),
    ],
)  # fmt: skip
def test_the_parser_and_type_errors_in_either_language(args: tuple[str, ...], zh: str, en: str) -> None:
    """click's parser and typer's type checks word these in English only: rendered from the catalogue."""
    for env, expected in ((no_lang(), zh), (no_lang(KPI_LANG="en"), en)):
        result = run_kpi(*args, env=env)
        assert result.returncode == 2
        assert err(result).splitlines()[-1] == expected


def test_the_language_decides_the_workbook_too(tmp_path: Path) -> None:
    shutil.copyfile(WORKED / "input.xlsx", tmp_path / "input.xlsx")
    args = ["score", str(tmp_path / "input.xlsx"), "--rules", str(WORKED / "rules.yaml"), "-p", "2024Q3"]
    zh = run_kpi(*args, "--out", str(tmp_path / "zh.xlsx"), env=no_lang())
    assert zh.returncode == 0, err(zh)
    assert f"已写出 {tmp_path / 'zh.xlsx'}" in out(zh)
    assert "运行信息" in openpyxl.load_workbook(tmp_path / "zh.xlsx").sheetnames
    en = run_kpi(*args, "--out", str(tmp_path / "en.xlsx"), env=no_lang(KPI_LANG="en"))
    assert en.returncode == 0, err(en)
    assert f"wrote {tmp_path / 'en.xlsx'}" in out(en)
    assert "run_info" in openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames


def test_lang_is_found_before_click_parses() -> None:
    assert _lang_in(["score", "a.xlsx", "--lang", "en"]) == "en"
    assert _lang_in(["--lang=zh", "score"]) == "zh"
    assert _lang_in(["score", "--lang"]) is None
    assert _lang_in(["score", "--", "--lang", "en"]) is None


def test_cli_messages_render_in_chinese_with_their_values() -> None:
    assert _("wrote {path}", path="out.xlsx").to("zh") == "已写出 out.xlsx"
    assert (
        _("--period scores one workbook, got {count}", count=3).to("zh")
        == "--period 只计算一个工作簿，实际给出了 3 个"
    )
    assert (
        _("{count} problems found; nothing written.", count=4).to("zh") == "发现 4 个问题，未写出任何文件。"
    )
    line = _(
        "error: interrupted by {signal}: stopped; {count} of {total} results written",
        signal="SIGTERM",
        count=1,
        total=30,
    )
    assert line.to("zh") == "错误：被 SIGTERM 中断：已停止；30 个结果中已写出 1 个"
    assert str(line) == "error: interrupted by SIGTERM: stopped; 1 of 30 results written"
