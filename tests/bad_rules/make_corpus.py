"""Write the one-fault rules corpus: ``tests/bad_rules/*.yaml`` and ``manifest.json``.

Each file is ``rules/qingdao-hitech-2024.yaml`` with exactly one fault. The
manifest gives, per file, the line a correct loader must blame and 1–3 words
its message must contain. Expected lines are found by a marker in the faulty
text, not computed by the loader under test, so the corpus checks the loader
rather than echoing it. Run ``python tests/bad_rules/make_corpus.py`` after
changing the reference file; a test fails while the committed corpus is stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent.parent / "rules" / "qingdao-hitech-2024.yaml"

_LAUGHS = "laughs:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  {b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


@dataclass(frozen=True)
class Fault:
    """Replace ``old`` (once in the reference) by ``new``; blame the line holding ``marker``."""

    name: str
    old: str
    new: str
    marker: str
    words: tuple[str, ...]
    nth: int = 1  # which occurrence of the marker is the blamed line
    encoding: str = "utf-8"


FAULTS = [
    Fault(
        "duplicate-key",
        "  late_factor: 0.8",
        "  late_factor: 0.8\n  late_factor: 0.9",
        "late_factor:",
        ("duplicate key", "late_factor", "first at line 34"),
        nth=2,
    ),
    Fault(
        "unknown-key",
        "quota: 0.2",
        "quata: 0.2",
        "quata",
        ("unknown key 'quata'", "did you mean 'quota'"),
    ),
    Fault(
        "wrong-type",
        "points: 3}",
        "points: abc}",
        "points: abc",
        ("points.events.A02.points", "must be a number"),
    ),
    Fault(
        "negative-weight",
        "indicators: 0.5",
        "indicators: -0.5",
        "indicators: -0.5",
        ("department.weights.indicators", "≥ 0", "-0.5"),
    ),
    Fault("zero-cap", "  cap: 1.2 ", "  cap: 0   ", "  cap: 0", ("indicators.cap", "> 0")),
    Fault(
        "bands-not-descending",
        "{name: 良好, min: 88",
        "{name: 良好, min: 95",
        "{name: 良好",
        ("highest first", "良好"),
    ),
    Fault("quota-above-one", "quota: 0.2", "quota: 1.5", "quota: 1.5", ("quota", "≤ 1")),
    Fault(
        "max-grade-not-a-band",
        "max_grade: 不合格",
        "max_grade: 差",
        "max_grade",
        ("veto.max_grade", "'差'", "not a band"),
    ),
    Fault(
        "python-tag",
        "source: 青高管发〔2024〕12号",
        'source: !!python/object/apply:os.system ["echo pwned"]',
        "source:",
        ("!!python/object/apply:os.system", "not allowed"),
    ),
    Fault(
        "alias-bomb",
        "base_score: 100",
        _LAUGHS + "base_score: 100",
        "&a",
        ("anchor", "not allowed"),
    ),
    Fault(
        "null-required",
        "  cap: 1.2 ",
        "  cap: ~   ",
        "  cap: ~",
        ("missing required key 'cap'", "indicators"),
    ),
    Fault(
        "missing-section",
        "department:\n  weights: {indicators: 0.5, city: 0.3, evaluation: 0.2}\n",
        "",
        "name:",
        ("missing required key 'department'",),
    ),
    Fault(
        "foreign-method-key",
        "{method: table, table: {1: 100, 2: 96, 3: 92, 4: 88, 5: 84}, default: 80}",
        "{method: linear, top: 100, step: 4, floor: 60, bottom: 60}",
        "rank_score:",
        ("unknown key 'bottom'", "method linear"),
    ),
    Fault(
        "table-rank-zero",
        "table: {1: 100,",
        "table: {0: 100,",
        "rank_score:",
        ("key 0", "table", "≥ 1"),
    ),
    Fault(
        "leader-role-overlap",
        "leader_in_charge: [管委会副主任]",
        "leader_in_charge: [管委会副主任, 管委会主任]",
        "leader_in_charge: [",
        ("管委会主任", "both main_leader and leader_in_charge"),
    ),
    Fault(
        "pool-not-whole-yuan",
        "pool: 2250000 ",
        "pool: 2250000.5",
        "pool: 2250000.5",
        ("bonus.pool", "whole yuan"),
    ),
    Fault(
        "pool-missing",
        "  pool: 2250000                  # yuan per period, pool mode only\n",
        "",
        "bonus:",
        ("missing required key 'pool'", "mode is pool"),
        nth=2,  # the first is forfeit_bonus:
    ),
    Fault(
        "yaml-syntax",
        "source: 青高管发",
        "source: 文号: 青高管发",
        "source:",
        ("YAML syntax error",),
    ),
    Fault(
        "top-level-list",
        "name: 青岛高新区",
        "- name: 青岛高新区",
        "- name:",
        ("top level", "mapping", "got a list"),
    ),
    Fault(
        "unknown-method",
        "method: table",
        "method: tabel",
        "method: tabel",
        ("weighting.rank_score.method", "'tabel'", "did you mean 'table'"),
    ),
    Fault(
        "yes-is-not-a-boolean",
        "forfeit_bonus: true",
        "forfeit_bonus: yes",
        "forfeit_bonus",
        ("veto.forfeit_bonus", "true or false"),
    ),
    Fault(
        "unknown-section",
        "\nbonus:",
        "\nbonsu:",
        "bonsu:",
        ("unknown key 'bonsu'", "did you mean 'bonus'"),
    ),
    Fault(
        "impossible-date",
        "effective_from: 2024-01-01",
        "effective_from: 2024-13-01",
        "effective_from",
        ("effective_from", "date"),
    ),
    Fault(
        "unknown-quota-scope",
        "quota_scope: department ",
        "quota_scope: city ",
        "quota_scope",
        ("grades.quota_scope", "zone, department", "'city'"),
    ),
    Fault(
        "duplicate-band-name",
        "{name: 合格, min: 80",
        "{name: 良好, min: 80",
        "{name: 良好, min: 80",
        ("band name 良好", "more than once"),
    ),
    Fault(
        "weights-both-zero",
        "weights: {department: 0.3, personal: 0.4, evaluation: 0.3}",
        "weights: {department: 0, personal: 0, evaluation: 0}",
        "weights: {department: 0,",
        ("department, personal and evaluation weights cannot all be 0",),
    ),
    Fault(
        "event-without-name",
        "A02: {name: 招商签约落地, points: 3}",
        "A02: {points: 3}",
        "A02",
        ("missing required key 'name'", "points.events.A02"),
    ),
    Fault(
        "not-utf8",
        "# yaml-language-server",
        "# yaml-language-server",
        "name:",
        ("UTF-8",),
        encoding="gbk",
    ),
    Fault(
        # A 5,000-character name would end in a results cell; one value holds at most 4,096.
        "value-too-long",
        "name: 青岛高新区功能区KPI考核办法",
        "name: 青岛高新区功能区KPI考核办法" + "长" * 5000,
        "name: 青岛",
        ("5,015 characters", "4,096"),
    ),
    Fault(
        "service-date-in-both-lists",
        "    holidays: [2024-07-26]\n",
        "    holidays: [2024-07-26]\n    workdays: [2024-07-26]\n",
        "workdays:",
        ("2024-07-26", "both", "service.calendar.holidays"),
    ),
    Fault(
        "service-unknown-event-code",
        "late_response: S01",
        "late_response: S04",
        "late_response",
        ("service.events.late_response", "'S04'", "points.events"),
    ),
    Fault(
        "service-fractional-days",
        "respond_days: 1\n",
        "respond_days: 1.5\n",
        "respond_days",
        ("service.respond_days", "whole number", "1.5"),
    ),
    Fault(
        "service-negative-days",
        "{一般: 5,",
        "{一般: -5,",
        "resolve_days",
        ("service.resolve_days.一般", "≥ 0", "-5"),
    ),
    Fault(
        "evaluation-min-raters-too-small",
        "  min_raters: 3",
        "  min_raters: 2",
        "min_raters: 2",
        ("evaluation.min_raters", "2 × trim + 1 = 3", "got 2"),
    ),
    Fault(
        "quota-by-grade-without-department-scope",
        "quota_scope: department        #",
        "quota_scope: zone              #",
        "quota_by_department_grade",
        ("quota_by_department_grade", "needs quota_scope: department"),
    ),
    Fault(
        "quota-by-grade-missing-a-band",
        "合格: 0.1, 不合格: 0}",
        "合格: 0.1}",
        "quota_by_department_grade",
        ("must list every band", "missing 不合格"),
    ),
    Fault(
        "curve-x-not-increasing",
        "points: [[0.8, 60], [0.9, 80], [1, 100]]",
        "points: [[0.9, 80], [0.8, 60], [1, 100]]",
        "达标型: {mode: step",
        ("indicators.curves.达标型", "strictly increasing"),
    ),
    Fault(
        "step-curve-without-points",
        "points: [[0.8, 60], [0.9, 80], [1, 100]]",
        "points: []",
        "达标型: {mode: step",
        ("indicators.curves.达标型", "step curve needs at least 1 point"),
    ),
    Fault(
        "main-leader-without-zone",
        "main_leader: {zone: 0.8, evaluation: 0.2}",
        "main_leader: {evaluation: 0.2}",
        "main_leader: {",
        ("missing required key 'zone'", "weighting.main_leader"),
    ),
]


def _line_of(text: str, marker: str, nth: int) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if marker in line]
    if len(hits) < nth:
        raise ValueError(f"marker {marker!r} occurs {len(hits)} times, wanted #{nth}")
    return hits[nth - 1]


def build(reference: str) -> tuple[dict[str, bytes], list[dict[str, object]]]:
    """The corpus files (name → bytes) and manifest entries for a reference text."""
    files: dict[str, bytes] = {}
    manifest: list[dict[str, object]] = []
    for number, fault in enumerate(FAULTS, start=1):
        if reference.count(fault.old) != 1:
            raise ValueError(f"{fault.name}: {fault.old!r} must occur exactly once")
        text = reference.replace(fault.old, fault.new)
        if fault.name == "top-level-list":  # the whole mapping becomes one list item
            head, _, body = text.partition("- name:")
            text = head + "- name:" + body.replace("\n", "\n  ").rstrip(" ")
        name = f"{number:02d}-{fault.name}.yaml"
        files[name] = text.encode(fault.encoding)
        manifest.append(
            {"file": name, "line": _line_of(text, fault.marker, fault.nth), "words": [*fault.words]}
        )
    return files, manifest


def manifest_text(manifest: list[dict[str, object]]) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    files, manifest = build(REFERENCE.read_text(encoding="utf-8"))
    for old in HERE.glob("*.yaml"):
        old.unlink()
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    (HERE / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")
    print(f"wrote {len(files)} files and manifest.json to {HERE}")


if __name__ == "__main__":
    main()
