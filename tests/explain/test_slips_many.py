"""Result slips for a whole population equal the per-member explanations, and the
per-frame indexes they read through (:mod:`kpi.engine.lookup`) give exactly what pandas gives."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kpi import api
from kpi.engine.lookup import first, records, where
from kpi.engine.results import Results
from kpi.explain.members import explain_member
from kpi.explain.slips import POPULATIONS, _width, _words, slips
from kpi.periods import Period
from kpi.report.workbook import display_width

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample() -> Results:
    """The sample quarter: 261 people with requests, evaluations, vetoes and a bonus pool."""
    return api.run(
        ROOT / "samples" / "2024Q3.xlsx", ROOT / "rules" / "qingdao-hitech-2024.yaml", Period.parse("2024Q3")
    )


def _blocks(cells: list[Any], breaks: list[int]) -> list[list[Any]]:
    starts = [0, *breaks]
    return [list(cells[a:b]) for a, b in zip(starts, [*breaks, len(cells)], strict=True)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_slip_is_the_members_explanation(sample: Results, lang: str) -> None:
    made = slips(sample, lang)
    assert made.members == len(sample.individuals) + len(sample.leaders) + len(sample.departments)
    t = _words(lang)
    forms = iter(made.forms)
    for population, kind, _ in POPULATIONS:
        frame = sample.population(population)
        keys = [str(k) for k in frame["department" if kind == "department" else "id"]]
        form = next(forms)
        blocks = _blocks(list(form.cells), list(form.breaks))
        assert len(blocks) == len(keys)
        for key, block in zip(keys, blocks, strict=True):
            ex = explain_member(sample, kind, key, lang)
            assert block[0] == ((f"{t['title']}  {ex.title}", "title"),)
            assert block[2][0][0] == key
            values = [v for v, _ in block[2]]
            final = ex.final
            if kind == "department":
                assert values[2:] == [final["score"], final["rank"], final["grade"]]
            else:
                assert values[3:] == [
                    final["score"],
                    final["rank"],
                    final["grade"],
                    final.get("bonus"),
                    final.get("total"),
                ]
            # The derivation: ex.lines() without the title, items unindented.
            lines = [row[0][0] if row else "" for row in block[3:-3]]
            expected = [line.removeprefix("  ") for line in ex.lines()[1:]]
            assert lines == expected


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same type (NaN and NA equal themselves)."""
    if type(a) is not type(b):
        return False
    if a is None or a is pd.NA or a is pd.NaT:
        return True
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


def _frames(results: Results) -> dict[str, tuple[pd.DataFrame, str]]:
    """The frames a derivation reads one member's rows from, with the column it looks them up by."""
    frames = {
        "people": (results.inputs.people, "id"),
        "points": (results.inputs.points, "target"),
        "individuals": (results.individuals, "id"),
        "leaders": (results.leaders, "id"),
        "departments": (results.departments, "department"),
        "bonus": (results.bonus, "id"),
        "points_ledger": (results.points_ledger, "target"),
        "person_points": (results.person_points, "target"),
        "department_points": (results.department_points, "target"),
        "indicator_detail": (results.indicator_detail, "department"),
        "city_detail": (results.city_detail, "indicator"),
        "city_terms": (results.city_terms, "department"),
        "evaluation_detail": (results.evaluations.detail, "target"),
        "evaluation_rows": (results.evaluations.rows, "target"),
        "evaluation_scores": (results.evaluations.scores, "target"),
    }
    if results.service_detail is not None:
        frames["service_detail"] = (results.service_detail, "handler")
    if results.service_events is not None:
        frames["service_events"] = (results.service_events, "target")
    return frames


def test_lookups_give_what_pandas_gives(sample: Results) -> None:
    for name, (frame, column) in _frames(sample).items():
        assert not frame.empty, name
        for key in [*dict.fromkeys(frame[column]), "no such key"]:
            rows = where(frame, column, key)
            got = records(frame, column, key)
            want = [{str(k): v for k, v in r.items()} for r in rows.to_dict("records")]
            assert [list(r) for r in got] == [list(r) for r in want], name
            assert all(_same(g[k], w[k]) for g, w in zip(got, want, strict=True) for k in w), (name, key)
            row = first(frame, column, key)
            if rows.empty:
                assert row is None
                continue
            assert row is not None
            series = rows.iloc[0]
            assert list(row) == [str(k) for k in series.index]
            assert all(_same(row[str(k)], v) for k, v in series.items()), (name, key)
            assert all(_same(row[str(k)], series[k]) for k in series.index), (name, key)


def test_lookups_follow_a_replaced_frame() -> None:
    frame = pd.DataFrame({"id": ["a", "b", "a"], "n": [1, 2, 3], "s": ["x", "y", "z"]})
    assert [r["n"] for r in records(frame, "id", "a")] == [1, 3]
    other = pd.DataFrame({"id": ["a"], "n": [9], "s": ["w"]})
    assert records(other, "id", "a") == [{"id": "a", "n": 9, "s": "w"}]
    longer = pd.concat([frame, other], ignore_index=True)
    assert [r["n"] for r in records(longer, "id", "a")] == [1, 3, 9]
    row = first(frame, "id", "b")
    assert row is not None and row["s"] == "y" and type(row["n"]) is type(frame.iloc[1]["n"])
    assert first(frame, "id", "c") is None and records(frame, "id", "c") == []


def test_slip_line_width_is_the_display_width() -> None:
    for text in ["abc", "绩效考核 ab", "ＡＢ１ x", "é ü ß —", "😀 𠀀 ｡ﾝ", "\u3000﹏¡", ""]:
        assert _width(text) == display_width(text)
