"""``kpi explain`` through the real entry point: every printed equation recomputes.

The printed lines are parsed back: each ``label = … = value`` line's arithmetic
segments (numbers, + − × /, parentheses, r2, round0, floor, ceil, clamp, min,
max) are evaluated exactly with fractions and must equal the printed value, and
the last lines must equal the published results of the worked quarter (WORKED.md).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from support.worked import WORKED_QUARTER as WORKED

ROOT = Path(__file__).resolve().parents[2]
_ATOM = r"[\d\s.+\-−×*/(),]"
ARITHMETIC = re.compile(rf"^{_ATOM}*(?:(?:r2|round0|floor|ceil|clamp|min|max)\(|{_ATOM})*$")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kpi", *args], capture_output=True, text=True, check=False)


def explain(who: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(
        "explain",
        str(WORKED / "input.xlsx"),
        "--rules",
        str(WORKED / "rules.yaml"),
        "--period",
        "2024Q3",
        "--who",
        who,
        "--lang",
        "zh",
        *extra,  # a later --lang wins
    )


def _half_up(x: Fraction, places: int) -> Fraction:
    scale = Fraction(10) ** places
    scaled = abs(x) * scale
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return (1 if x >= 0 else -1) * Fraction(whole) / scale


FUNCTIONS: dict[str, Callable[..., Fraction]] = {
    "r2": lambda x: _half_up(x, 2),
    "round0": lambda x: _half_up(x, 0),
    "floor": lambda x: Fraction(x.numerator // x.denominator),
    "ceil": lambda x: Fraction(-((-x.numerator) // x.denominator)),
    "clamp": lambda x, lo, hi: max(lo, min(hi, x)),
    "min": min,
    "max": max,
}


def evaluate(text: str) -> Fraction:
    """Exact value of an explain expression (no eval: a small AST walk over fractions)."""
    tree = ast.parse(text.replace("×", "*").replace("−", "-"), mode="eval")

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return Fraction(Decimal(str(node.value)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = walk(node.left), walk(node.right)
            ops = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}
            if isinstance(node.op, ast.Div):
                return a / b
            return ops[type(node.op)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return FUNCTIONS[node.func.id](*(walk(a) for a in node.args))
        raise ValueError(f"not arithmetic: {ast.dump(node)}")

    return walk(tree)


def value_of(text: str) -> Fraction | None:
    try:
        return evaluate(text)
    except (ValueError, SyntaxError, KeyError):
        return None


def check_lines(lines: list[str]) -> int:
    """Assert every arithmetic segment equals its line's value; return how many were checked."""
    checked = 0
    for line in lines:
        body = re.split(r"  [\[(]", line.strip())[0]
        segments = body.split(" = ")
        if len(segments) < 3:
            continue
        value = value_of(segments[-1])
        if value is None:
            continue
        for segment in segments[1:-1]:
            if "…" in segment:
                continue  # an exact value cut for reading
            if not re.search(r"[()+×/]|\d -", segment):
                exact = value_of(segment)
                if exact is not None:
                    # The exact value before rounding: it must round to the value shown
                    # (2 decimals, or whole yuan) — never a value from before a clamp.
                    assert value in (exact, _half_up(exact, 2), _half_up(exact, 0)), line
                    checked += 1
                continue  # else a formula in words
            if not ARITHMETIC.match(segment):
                continue
            assert evaluate(segment) == value, f"{segment} ≠ {segments[-1]} in: {line}"
            checked += 1
    return checked


@pytest.mark.parametrize(
    ("who", "finals"),
    [
        # WORKED.md §5.6/§5.9: E01 103.41, 优秀, bonus 32681 + 900 = 33581.
        ("E01", ["S = ", "103.41", "合计", "33581"]),
        # E03: tie at the 优秀 cut → 良好; bonus 7263 + 400 = 7663.
        ("E03", ["102.80", "良好", "7663"]),
        # E04: head of vetoed 综合部: min(70.20, 60) = 60.00, 不合格, forfeited.
        ("E04", ["min(70.20, 60)", "60.00", "不合格", "否决!2"]),
        # L02: M = r2(249.34 / 3) = 83.11, L = 87.26 − 2 = 85.26.
        ("L02", ["83.11", "87.26", "85.26"]),
        # 综合部: I = 102.03, − 1 = 101.03, capped to 60.00.
        ("综合部", ["102.03", "101.03", "60.00"]),
        # 招商部: A01 8.00 → 6, 12 → 10.00, D = 91.01 + 10.00 = 101.01.
        ("招商部", ["clamp(8.00, (-6), 6)", "10.00", "101.01"]),
    ],
)
def test_printed_lines_recompute(who, finals):
    result = explain(who)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert check_lines(lines) >= 3
    for text in finals:
        assert text in result.stdout


def test_explain_by_name_and_json():
    result = explain("陈静", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["who"] == "E03"
    assert data["final"] == {
        "score": "102.80",
        "rank": 2,
        "grade": "良好",
        "bonus": 7263,
        "points_reward": 400,
        "total": 7663,
    }
    steps = [i for s in data["sections"] for i in s["items"] if "expression" in i]
    for step in steps:
        if step["expression"] and step["value"] is not None and value_of(step["expression"]):
            assert evaluate(step["expression"]) == evaluate(step["value"]), step


def test_unknown_member_suggests():
    result = explain("E1")
    assert result.returncode == 1
    assert "--who 'E1' 不是" in result.stderr and "是否指 'E01'？" in result.stderr
    result = explain("E1", "--lang", "en")
    assert "E1" in result.stderr and "did you mean 'E01'" in result.stderr
    assert "Traceback" not in result.stderr


def test_english_labels_and_rules_metadata():
    result = explain("E06", "--lang", "en")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # WORKED.md: E06 has months 0 → u = 0, bonus 0; reward round0(100 × −1.00) = −100;
    # total max(0, 0 − 100) = 0.
    assert "roster" in out and "department 企业服务部" in out and "人员" not in out.split("[")[0]
    assert "青岛高新区功能区KPI考核办法（手算样例） 2024.1" in out
    assert "total = max(0, bonus + points_reward) = max(0, 0 + (-100)) = 0" in out
    assert check_lines(out.splitlines()) >= 3


def test_a_clamp_is_its_own_step() -> None:
    # E05: A02 ×8 blank = 24.00; the person cap clamps it to 20.00 (WORKED.md §5.1).
    lines = [line.strip() for line in explain("E05").stdout.splitlines()]
    assert "Σ 各代码 = 24.00" in lines
    [p] = [line for line in lines if line.startswith("P = ")]
    assert p.startswith("P = r2(clamp(Σ 各代码, −deduct, add)) = r2(clamp(24.00, (-20), 20)) = 20.00  [")


def test_ratios_show_six_decimals(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(WORKED / "input.xlsx")
    sheet = book["指标"]
    header = [c.value for c in sheet[1]]
    # ZB01 (row 2): target 3, actual 1 → ρ = 1/3 = 0.333333… (shown 0.333333);
    # s = r2(100 × 1/3 × 1) = r2(33.333…) = 33.33 — from the exact ρ, not 0.333333.
    sheet.cell(2, header.index("目标值") + 1, 3)
    sheet.cell(2, header.index("完成值") + 1, 1)
    path = tmp_path / "third.xlsx"
    book.save(path)
    result = run(
        "explain", str(path), "--rules", str(WORKED / "rules.yaml"), "--period", "2024Q3", "--who", "招商部"
    )
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    # Rounded for reading only, so "≈", never "=": the line stays true.
    assert any(line.startswith("ρ ZB01 招商引资到位资金 = 1 / 3 ≈ 0.333333  (正向)") for line in lines)
    assert any(
        line.startswith("s ZB01 = r2(100 × clamp(ρ, 0, cap) × factor) = r2(100 × clamp(1 / 3, 0, 1.2) × 1)")
        and "= 33.33" in line
        for line in lines
    )
    assert check_lines(lines) > 0
