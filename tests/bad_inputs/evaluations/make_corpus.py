"""Write the one-fault corpus of evaluations and scoring curves: ``*.xlsx`` and ``manifest.json`` here.

Run ``python tests/bad_inputs/evaluations/make_corpus.py`` after changing a
fault; the files are committed so the tests need no generator. Each workbook
is the parent corpus's base workbook (the worked quarter, typed out in
``../make_corpus.py``) plus a sheet 测评 and a 指标 column 计分曲线, with ONE
fault, read with ``rules.yaml`` here (the parent's rules with evaluations and
curves) unless the entry names another rules file. The manifest has the
parent's shape: ``file``, ``sheet``, ``cell`` (or null), ``words``, ``period``
and ``rules``.

This corpus lives in its own folder so that the parent generator, which
rewrites every workbook of its folder, leaves it alone.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PERIOD = "2024Q3"
RULES = "rules.yaml"


def _parent() -> Any:
    spec = importlib.util.spec_from_file_location("bad_inputs_make_corpus", HERE.parent / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


PARENT = _parent()
Sheets = dict[str, list[list[Any]]]

#: 测评 of the base workbook, header first (Excel row 1).
EVALUATIONS: list[list[Any]] = [
    ["对象", "评价方", "评价人", "分数", "等次"],
    ["E01", "领导", "L01", 90, None],
    ["E01", "同事", "E02", None, "称职"],
    ["E01", "同事", "E03", 85, None],
    ["E01", "同事", "E05", None, "优秀"],
    ["招商部", "服务企业", None, 88, None],
    ["招商部", "服务企业", None, 92, None],
    ["招商部", "服务企业", None, 90, None],
    ["L02", "同事", "E01", 80, None],
]


def base() -> Sheets:
    """The parent's base workbook with 测评 and with ZB01 on curve 增长型 (column K)."""
    sheets: Sheets = copy.deepcopy(PARENT.BASE)
    curves = ["计分曲线", "增长型", None, None, None]
    for row, value in zip(sheets["指标"], curves, strict=True):
        row.append(value)
    sheets["测评"] = copy.deepcopy(EVALUATIONS)
    return sheets


_set = PARENT._set
_all = PARENT._all
_append = PARENT._append
_drop_sheet = PARENT._drop_sheet


def _drop_columns(sheet: str, *letters: str) -> Callable[[Sheets], None]:
    indexes = sorted((ord(letter) - ord("A") for letter in letters), reverse=True)

    def apply(sheets: Sheets) -> None:
        for row in sheets[sheet]:
            for i in indexes:
                if i < len(row):
                    del row[i]

    return apply


# (file stem, fault, sheet, cell, words, rules)
FAULTS: list[tuple[str, Callable[[Sheets], None], str | None, str | None, list[str], str]] = [
    (
        "duplicate_rater",
        _append("测评", ["E01", "同事", "E03", 70, None]),
        "测评",
        "C10",
        ["'E03' already rated 'E01'", "'同事'", "in row 4"],
        RULES,
    ),
    (
        "score_and_vote",
        _set("测评", "E4", "称职"),
        "测评",
        "E4",
        ["分数 and 等次 are both filled"],
        RULES,
    ),
    (
        "neither_score_nor_vote",
        _set("测评", "D4", None),
        "测评",
        "D4",
        ["neither 分数 nor 等次"],
        RULES,
    ),
    (
        "unknown_rater_group",
        _set("测评", "B3", "同事们"),
        "测评",
        "B3",
        ["'同事们'", "evaluation.groups", "did you mean '同事'"],
        RULES,
    ),
    (
        "unknown_evaluation_target",
        _set("测评", "A9", "L03"),
        "测评",
        "A9",
        ["'L03'", "neither a 工号", "did you mean"],
        RULES,
    ),
    (
        "vote_without_votes_table",
        _all(_set("测评", "E5", None), _set("测评", "D5", 95)),
        "测评",
        "E3",
        ["'称职' is a vote", "no evaluation.votes"],
        "rules_without_votes.yaml",
    ),
    (
        "unknown_vote",
        _set("测评", "E3", "良"),
        "测评",
        "E3",
        ["'良'", "evaluation.votes"],
        RULES,
    ),
    (
        "score_over_100",
        _set("测评", "D2", 101),
        "测评",
        "D2",
        ["分数 101", "between 0 and 100"],
        RULES,
    ),
    (
        "score_and_vote_columns_missing",
        _drop_columns("测评", "D", "E"),
        "测评",
        None,
        ["missing column 分数 / score or 等次 / vote"],
        RULES,
    ),
    (
        "evaluations_without_evaluation_rules",
        _set("指标", "K2", None),
        "测评",
        None,
        ["8 evaluation row(s)", "no evaluation section"],
        "../rules.yaml",
    ),
    (
        "department_evaluated_by_too_few",
        _all(
            _append("部门", ["新区办", "L02"]),
            _append("测评", ["新区办", "服务企业", None, 80, None]),
            _append("测评", ["新区办", "服务企业", None, 85, None]),
        ),
        "部门",
        "A5",
        ["'新区办'", "nor an evaluation", "at least 3 rows"],
        RULES,
    ),
    (
        "unknown_curve",
        _set("指标", "K2", "增长"),
        "指标",
        "K2",
        ["计分曲线 '增长'", "indicators.curves", "did you mean '增长型'"],
        RULES,
    ),
    (
        "curve_on_scored_indicator",
        _set("指标", "K4", "增长型"),
        "指标",
        "K4",
        ["'增长型'", "评分 indicator", "already a score"],
        RULES,
    ),
    (
        "curve_without_curves_in_rules",
        _drop_sheet("测评"),
        "指标",
        "K2",
        ["'增长型'", "the rules define none"],
        "../rules.yaml",
    ),
]


def entries() -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """The manifest entries and the file contents, by file name."""
    files: dict[str, bytes] = {"base.xlsx": PARENT.xlsx_bytes(base())}
    manifest: list[dict[str, Any]] = []
    for stem, fault, sheet, cell, words, rules in FAULTS:
        sheets = base()
        fault(sheets)
        files[f"{stem}.xlsx"] = PARENT.xlsx_bytes(sheets)
        manifest.append(
            {
                "file": f"{stem}.xlsx",
                "sheet": sheet,
                "cell": cell,
                "words": words,
                "period": PERIOD,
                "rules": rules,
            }
        )
    return manifest, files


def main(folder: Path = HERE) -> int:
    PARENT.write_corpus(folder, *entries())
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
