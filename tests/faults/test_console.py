"""Any console, no traceback: every command on ASCII and GBK consoles, Chinese paths with spaces.

In-process runs use click's runner with a console of the given encoding (its
stdout is a text stream of that encoding, strict, like a real one); the real
program is also run with ``PYTHONIOENCODING`` and its output redirected to a
file. Characters the console cannot show are spelled in ASCII (ρ → rho, × → x,
− → -, → → ->) or replaced; JSON stays exact (escaped).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.process import child_env, run_kpi
from support.worked import Worked
from typer.testing import CliRunner

from kpi import api
from kpi.cli import app
from kpi.periods import Period

ENCODINGS = ["ascii", "gbk"]


@pytest.fixture
def chinese(tmp_path: Path, worked: Worked) -> Worked:
    """The worked quarter under names with spaces and Chinese characters."""
    folder = tmp_path / "数据 文件夹"
    folder.mkdir()
    book, rules = folder / "2024年 第三季度 输入.xlsx", folder / "考核 规则.yaml"
    shutil.copy(worked.input, book)
    shutil.copy(worked.rules, rules)
    return Worked(book, rules)


def commands(w: Worked, name: str) -> dict[str, tuple[list[str], int]]:
    """Every command, with the exit code it must give on the worked quarter."""
    folder = w.input.parent
    results = folder / "结果 2024Q3.xlsx"
    if name == "verify":
        api.write_results(api.run(w.input, w.rules, Period.parse("2024Q3")), results)
    variant = w.rules_variant("quota: 0.2", "quota: 0.4", name="新 规则.yaml")
    broken = w.rules_variant("quota: 0.2", "quota: 2", name="错误 规则.yaml")
    common = ["--rules", str(w.rules), "--period", "2024Q3"]
    impact = ["--data", str(w.input), "--period", "2024Q3", "--out", str(folder / "影响 分析.xlsx")]
    return {
        "score": (["score", str(w.input), *common, "--out", str(folder / "新 结果.xlsx"), "--force"], 0),
        "validate": (["validate", str(w.input), *common], 0),
        "explain person": (["explain", str(w.input), *common, "--who", "E01"], 0),
        "explain department": (["explain", str(w.input), *common, "--who", "招商部"], 0),
        "verify": (["verify", str(results), "--input", str(w.input), "--rules", str(w.rules)], 0),
        "rules check": (["rules", "check", str(w.rules)], 0),
        "template": (
            [
                "template",
                "--rules",
                str(w.rules),
                "--period",
                "2024Q4",
                "--from",
                str(w.input),
                "--out",
                str(folder / "模板 2024Q4.xlsx"),
                "--force",
            ],
            0,
        ),
        "rules diff": (
            ["rules", "diff", str(w.rules), str(variant), *impact, "--force"],
            0,
        ),
        "errors": (["validate", str(w.input), "--rules", str(broken), "--period", "2024Q3"], 1),
        "json errors": (
            ["validate", str(w.input), "--rules", str(broken), "--period", "2024Q3", "--json"],
            1,
        ),
    }


NAMES = [
    "score", "validate", "explain person", "explain department", "verify", "rules check", "rules diff",
    "template", "errors", "json errors",
]  # fmt: skip


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", NAMES)
def test_every_command_on_a_narrow_console(chinese: Worked, encoding: str, name: str) -> None:
    args, code = commands(chinese, name)[name]
    result = CliRunner(charset=encoding).invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == code, result.output
    out = result.stdout_bytes.decode(encoding)  # strictly: every byte is the console's
    err = result.stderr_bytes.decode(encoding)
    assert "Traceback" not in out + err and "UnicodeEncodeError" not in out + err
    if name.startswith("json"):
        errors = json.loads(out)["errors"]
        assert errors and all(e["file"] == str(chinese.input.parent / "错误 规则.yaml") for e in errors)
    elif code == 1:
        assert err.startswith("error: ") and len(err.splitlines()) == 2
    if encoding == "gbk" and name == "score":
        assert f"wrote {chinese.input.parent / '新 结果.xlsx'}" in out  # GBK shows Chinese
    if name == "explain department":
        spelled = {"ascii": ["rho ZB01", "100 x clamp", "sum e s / sum e"], "gbk": ["ρ ZB01", "100 × clamp"]}
        assert all(s in out for s in spelled[encoding]), out


def test_json_on_an_ascii_console_is_exact(chinese: Worked) -> None:
    args = ["validate", str(chinese.input), "--rules", str(chinese.rules), "--period", "2024Q3", "--json"]
    wide = json.loads(CliRunner().invoke(app, args).stdout)
    narrow = CliRunner(charset="ascii").invoke(app, args)
    assert json.loads(narrow.stdout_bytes.decode("ascii")) == wide


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_real_program_with_output_redirected_to_a_file(
    chinese: Worked, tmp_path: Path, encoding: str
) -> None:
    out = chinese.input.parent / "结果 文件.xlsx"
    log = tmp_path / "console.txt"
    common = ["--rules", str(chinese.rules), "--period", "2024Q3"]
    with log.open("wb") as redirected:
        done = run_kpi(
            "score", str(chinese.input), *common, "--out", str(out),
            env=child_env(PYTHONIOENCODING=encoding), stdout=redirected,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = log.read_bytes().decode(encoding)
    # ASCII cannot show 汉字: each becomes "??" (two columns, as wide as the character).
    shown = str(out) if encoding == "gbk" else "".join(c if c.isascii() else "??" for c in str(out))
    assert text.splitlines()[-1] == f"wrote {shown}"
    assert out.read_bytes()[:2] == b"PK"
    if encoding == "ascii":
        done = run_kpi(
            "explain", str(chinese.input), *common, "--who", "招商部", env=child_env(PYTHONIOENCODING="ascii")
        )
        assert done.returncode == 0, done.stderr
        assert "rho ZB01" in done.stdout.decode("ascii")


def test_errors_on_a_gbk_console_name_the_chinese_path(chinese: Worked) -> None:
    missing = chinese.input.parent / "没有 这个.xlsx"
    done = run_kpi(
        "validate", str(missing), "--rules", str(chinese.rules), "--period", "2024Q3",
        env=child_env(PYTHONIOENCODING="gbk"),
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.decode("gbk").splitlines()[0] == f"error: {missing}: file not found: {missing}"


def test_unexpected_exception_in_a_command_is_one_line_exit_3(
    worked: Worked, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(api, "load", broken)
    result = CliRunner().invoke(
        app, ["validate", str(worked.input), "--rules", str(worked.rules), "--period", "2024Q3"]
    )
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "internal error: ZeroDivisionError: division by zero second line (a bug in kpi, not in your "
        "files: rerun with KPI_DEBUG=1 and report it)"
    ]


def test_unexpected_exception_outside_a_command_guard_is_one_line_exit_3(worked: Worked) -> None:
    """The summary is rendered after the guard: the real program's main() still catches."""
    script = (
        "import kpi.report.terminal as t\n"
        "def boom(*a, **k): raise RuntimeError('rendering failed')\n"
        "t.summary = boom\n"
        "import sys\n"
        "from kpi.cli import main\n"
        f"sys.argv = ['kpi', 'score', {str(worked.input)!r}, '--rules', {str(worked.rules)!r},"
        f" '--period', '2024Q3', '--out', {str(worked.input.with_name('r.xlsx'))!r}]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=child_env(), capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 3
    # The worked quarter's one warning (the tie at the 优秀 cut) goes to stderr before
    # the summary is rendered; the failure itself is one line after it.
    lines = done.stderr.decode().splitlines()
    assert [line for line in lines if not line.startswith("警告：")] == [
        "internal error: RuntimeError: rendering failed (a bug in kpi, not in your files: rerun with "
        "KPI_DEBUG=1 and report it)"
    ]
    assert len(lines) == 2
