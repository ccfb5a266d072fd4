"""Msg: English as a str, Chinese from the catalogue, nested, picklable."""

from __future__ import annotations

import pickle

import pytest

import kpi.i18n as i18n
from kpi.errors import KpiError, Location, Problem
from kpi.files import FileProblem, read_regular
from kpi.i18n import N_, Msg, _, current_language, render, resolve_language, set_language, tr


def test_value_is_english() -> None:
    message = _("cannot read the file: {reason}", reason="disk on fire")
    assert isinstance(message, str) and isinstance(message, Msg)
    assert message == "cannot read the file: disk on fire"
    assert "disk on fire" in message
    assert message.msgid == "cannot read the file: {reason}"
    assert message.params == {"reason": "disk on fire"}
    assert message.to("en") == "cannot read the file: disk on fire"
    assert f"{message}" == str(message) == "cannot read the file: disk on fire"


def test_chinese_and_nested() -> None:
    inner = _("permission denied (the file is not readable by this user)")
    message = _("cannot read the file: {reason}", reason=inner)
    assert message.to("zh") == "无法读取文件：没有权限（当前用户无法读取该文件）"
    assert message == "cannot read the file: permission denied (the file is not readable by this user)"


def test_format_spec() -> None:
    message = _("{n:,} bytes", n=1234567)
    assert message == "1,234,567 bytes"
    assert message.to("zh") == "1,234,567 字节"


def test_unknown_msgid_falls_back_to_english() -> None:
    assert _("no such message {x}", x=1).to("zh") == "no such message 1"


def test_pickle_round_trip() -> None:
    message = _("cannot read the file: {reason}", reason=_("too many levels of symbolic links"))
    back = pickle.loads(pickle.dumps(message))
    assert type(back) is Msg and back == message and back.msgid == message.msgid
    assert back.to("zh") == "无法读取文件：符号链接的层数过多"
    problem = Problem(Location("a.xlsx", "名单", 3, "B"), message)
    assert pickle.loads(pickle.dumps(problem)).text(lang="zh") == problem.text(lang="zh")


def test_concatenation_is_plain_english() -> None:
    joined = _("file not found") + "; x"
    assert type(joined) is str and joined == "file not found; x"


def test_constants() -> None:
    label = N_("a socket")
    assert type(label) is str and label == "a socket"
    assert tr(label, "zh") == "套接字" and tr(label, "en") == "a socket"
    assert tr("not in the catalogue", "zh") == "not in the catalogue"


def test_problem_rendering() -> None:
    problem = Problem(Location(line=42), _("file not found"))
    assert problem.text() == "line 42: file not found"
    assert problem.text(lang="zh") == "第 42 行: 找不到文件"
    assert problem.as_dict(lang="zh")["message"] == "找不到文件"
    assert problem.as_dict()["message"] == "file not found"
    assert Problem(Location("r.yaml", line=4), "plain").text(lang="zh") == "r.yaml:4: plain"
    error = KpiError.single(_("file not found"), Location("a.xlsx"))
    assert str(error) == "a.xlsx: file not found"
    assert render(error.problems[0].message, "zh") == "找不到文件"


def test_file_problem_message(tmp_path) -> None:
    with pytest.raises(FileProblem) as caught:
        read_regular(tmp_path, 10)
    assert str(caught.value) == "is a folder, not a file"
    assert caught.value.message.to("zh") == "是文件夹，不是文件"
    (tmp_path / "big").write_bytes(b"x" * 1000)
    with pytest.raises(FileProblem) as caught:
        read_regular(tmp_path / "big", 999)
    assert caught.value.message.to("zh") == "文件大小为 1,000 字节，超过本工具可读取的上限 999 字节"


@pytest.mark.parametrize(
    ("option", "env", "expected"),
    [
        (None, None, "zh"),
        (None, "en", "en"),
        (None, "EN_us.UTF-8", "en"),
        (None, "zh_CN", "zh"),
        (None, "fr", "zh"),  # an unknown KPI_LANG is ignored
        ("zh", "en", "zh"),
        ("en", None, "en"),
    ],
)
def test_resolve_language(monkeypatch, option, env, expected) -> None:
    if env is None:
        monkeypatch.delenv("KPI_LANG", raising=False)
    else:
        monkeypatch.setenv("KPI_LANG", env)
    assert resolve_language(option) == expected


def test_unknown_option_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        resolve_language("fr")


def test_current_language(monkeypatch) -> None:
    monkeypatch.setenv("KPI_LANG", "en")
    assert current_language() == "en"
    try:
        set_language("zh")
        assert current_language() == "zh"
        assert _("file not found").to() == "找不到文件"
    finally:
        set_language(None)
    assert i18n._language is None


def test_a_key_name_is_quoted_as_written_and_named_in_chinese() -> None:
    from kpi.i18n import KeyName

    message = _(
        "missing required key {key} {where}",
        key=KeyName("'department_cap'", "points.department_cap"),
        where="x",
    )
    assert str(message) == "missing required key 'department_cap' x"
    assert "'department_cap'（部门点数上限）" in message.to("zh")
    again = pickle.loads(pickle.dumps(message.params["key"]))
    assert again.to("zh") == "'department_cap'（部门点数上限）" and again.to("en") == "'department_cap'"
