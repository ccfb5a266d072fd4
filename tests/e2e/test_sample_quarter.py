"""The bundled sample quarter (samples/2024Q3.xlsx) end to end: a golden test.

The sample is scored once through the real CLI (``kpi score … --lang en``) with the
reference rules ``rules/qingdao-hitech-2024.yaml``. It has 163 people and 471 point
events, too many to derive every published number by hand, so this module checks:

* a representative subset derived **by hand** from the input rows, each expected
  value worked out in the comments next to its assertion. Input rows are cited as
  ``sheet!row`` (Excel row numbers of samples/2024Q3.xlsx, header = row 1). The
  arithmetic follows method §6 and was done with Python's ``decimal`` module outside
  the repository, never copied from kpi's output. ``r2`` is round half away from
  zero to 2 places and every step uses the rounded value of the step before it;
  and
* invariants that hold for every row and need no Σ over the whole population
  to check (pool sum, forfeits, bonus proportions, quotas, order, ranks, hashes).

Rules used throughout (rules/qingdao-hitech-2024.yaml): events A01 +2 (max 6 per
period), A02 +3, B01 −1, B02 −2 (max 6); person cap ±20, department cap ±10;
level multipliers 国家 1.5 / 省 1.2 / 市 1.0, ratio cap 1.2, late factor 0.8; rank
score table {1: 100, 2: 96, 3: 92, 4: 88, 5: 84} default 80; leader in charge
zone 0.5 / departments 0.5; department weights indicators 0.6 / city 0.4;
individuals department 0.4 / personal 0.6, 部长 0.7 / 0.3; veto cap 60, max grade
不合格, forfeit bonus, cascade to department head and leader in charge (not
members); bands 优秀 ≥ 90 (quota 0.2, floor, factor 1.2), 良好 ≥ 80 (1.0),
合格 ≥ 60 (0.8), 不合格 (0); pool 1500000, 100 yuan per point, leaders unpaid.
"""

from __future__ import annotations

import hashlib
import math
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from .helpers import (
    REPO_ROOT,
    by,
    dec,
    find_row,
    numbers_in,
    read_sheet,
    row_texts,
    same,
    score,
    sheet_rows,
)

SAMPLE = REPO_ROOT / "samples" / "2024Q3.xlsx"
RULES = REPO_ROOT / "rules" / "qingdao-hitech-2024.yaml"
LANG = "en"
POOL = 1500000

Rows = list[dict[str, Any]]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample-quarter") / "results.xlsx"
    score(SAMPLE, RULES, "2024Q3", path, "--lang", LANG)
    return path


@pytest.fixture(scope="module")
def sheets(out: Path) -> dict[str, Rows]:
    keys = ("individuals", "departments", "leaders", "bonus", "points_ledger")
    return {key: read_sheet(out, key, LANG) for key in keys}


def assert_row(row: dict[str, Any], expected: dict[str, Any]) -> None:
    """The row has these values (``same`` semantics: None = blank, Decimal = number)."""
    problems = [
        f"{column}: got {row[column]!r}, expected {want!r}"
        for column, want in expected.items()
        if not same(row[column], want)
    ]
    who = row.get("id") or row.get("department") or row.get("target")
    assert not problems, f"{who}: " + "; ".join(problems)


def ledger(rows: Rows) -> dict[tuple[str, str], tuple[Any, ...]]:
    """points_ledger as (target, code) -> (events, raw_total, code_cap, counted)."""
    index = {
        (r["target"], r["code"]): (r["events"], r["raw_total"], r["code_cap"], r["counted"]) for r in rows
    }
    assert len(index) == len(rows), "expected one ledger row per (target, code)"
    return index


def assert_ledger_rows(rows: Rows, expected: dict[tuple[str, str], tuple[Any, ...]]) -> None:
    index = ledger(rows)
    for key, values in expected.items():
        assert key in index, f"no ledger row for {key}"
        got = index[key]
        assert all(same(g, w) for g, w in zip(got, values, strict=True)), (
            f"{key}: got {got}, expected {values}"
        )
    for target in {target for target, _ in expected}:  # no other codes for these targets
        codes = {code for t, code in index if t == target}
        assert codes == {code for t, code in expected if t == target}, f"{target}: {codes}"


def displays(values: list[D], exact: D) -> bool:
    """Some value equals ``exact``, or is ``exact`` rounded to its (≥ 4) shown decimals."""
    for value in values:
        if value == exact:
            return True
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if places >= 4 and value == exact.quantize(D(1).scaleb(-places), ROUND_HALF_UP):
            return True
    return False


# ---------------------------------------------------------------------- 3. zone score


def test_zone_score_from_all_twelve_city_rankings(sheets: dict[str, Rows]) -> None:
    # 市级排名 (weight w, rank R of N) → q by the rank-score table, default 80:
    #   row  2 地区生产总值增速        w 20  R 3/14 → q  92   w·q = 1840
    #   row  3 规上工业增加值增速      w 15  R 5/14 → q  84          1260
    #   row  4 固定资产投资增速        w 10  R 2/14 → q  96           960
    #   row  5 实际使用外资            w 10  R 1/16 → q 100          1000
    #   row  6 一般公共预算收入        w 10  R 6/14 → q  80 (default) 800
    #   row  7 高新技术企业数          w  8  R 1/14 → q 100           800
    #   row  8 营商环境评价            w 10  R 4/16 → q  88           880
    #   row  9 社会消费品零售总额增速  w  5  R 9/14 → q  80 (default) 400 (no shares: Z only)
    #   row 10 外贸进出口总额          w  6  R 7/14 → q  80 (default) 480
    #   row 11 科技型中小企业数        w  5  R 2/12 → q  96           480
    #   row 12 新增市场主体数          w  5  R 8/14 → q  80 (default) 400
    #   row 13 重点项目建设综合评价    w  8  R 5/10 → q  84           672
    # Σw = 112, Σw·q = 9972; Z = r2(9972 / 112) = r2(89.0357…) = 89.04.
    # Every leader's row publishes Z as its zone_score.
    leaders = sheets["leaders"]
    assert len(leaders) == 7
    assert all(same(row["zone_score"], D("89.04")) for row in leaders), [row["zone_score"] for row in leaders]


# ----------------------------------------------------------- 2. one department by hand


def test_zhaoshang_department_by_hand(out: Path, sheets: dict[str, Rows]) -> None:
    # 5.2 indicators of 招商部: s = r2(100 × clamp(ρ, 0, 1.2) × f), e = weight × level.
    #   指标!6 ZB05 省 正向 8650/8000: ρ = 1.08125; completed 09-28 ≤ deadline 09-30, f 1
    #        s = r2(108.125) = 108.13 (half up); e = 20 × 1.2 = 24
    #   指标!7 ZB06 市 正向 16/12: ρ = 1.3333… → cap 1.2; 09-25 ≤ 09-30, f 1
    #        s = 120.00; e = 15 × 1.0 = 15
    #   指标!8 ZB07 省 正向 41.3/45: ρ = 0.917777…; no completion date → not late
    #        s = r2(91.7777…) = 91.78; e = 15 × 1.2 = 18
    #   指标!9 ZB08 省 正向 3/2: ρ = 1.5 → cap 1.2; 09-10 ≤ 09-30, f 1
    #        s = 120.00; e = 10 × 1.2 = 12
    #   Σe = 69; Σe·s = 2595.12 + 1800 + 1652.04 + 1440 = 7487.16
    #   I = r2(7487.16 / 69) = r2(108.5095…) = 108.51
    # 5.3 city shares of 招商部 (q as in test_zone_score…), weight w·a:
    #   市级分工!2  地区生产总值增速     a 0.4: w·a = 20 × 0.4 = 8.0,  × q  92 = 736
    #   市级分工!8  固定资产投资增速     a 0.3:       10 × 0.3 = 3.0,  × q  96 = 288
    #   市级分工!9  实际使用外资         a 1  :       10 × 1   = 10,   × q 100 = 1000
    #   市级分工!16 外贸进出口总额       a 0.4:        6 × 0.4 = 2.4,  × q  80 = 192
    #   市级分工!21 重点项目建设综合评价 a 0.4:        8 × 0.4 = 3.2,  × q  84 = 268.8
    #   C = r2(2484.8 / 26.6) = r2(93.4135…) = 93.41
    # 5.4 D = r2((0.6 × 108.51 + 0.4 × 93.41) / 1.0) = r2(65.106 + 37.364) = 102.47
    # 5.1 department points (cap ±10), 点数 rows targeting 招商部:
    #   A01 rows 97, 285, 323, 374: 4 × 2 = 8 → max_per_period 6
    #   A02 row 190 explicit 4; rows 276, 309, 314, 405: 4 × 3 = 12 → 16 (no code cap)
    #   B01 rows 227, 449, 471: 3 × −1 = −3
    #   net 6 + 16 − 3 = 19 → department cap 10.00
    # D = 102.47 + 10.00 = 112.47 (not vetoed).
    detail = sheet_rows(out, "indicator_detail", LANG)
    assert len(detail) == 1 + 29, "a header row and one row per indicator"
    for indicator, rho, s_k, e_k in [
        ("ZB05", D("1.08125"), D("108.13"), D(24)),
        ("ZB06", D(16) / D(12), D("120.00"), D(15)),
        ("ZB07", D("41.3") / D(45), D("91.78"), D(18)),
        ("ZB08", D("1.5"), D("120.00"), D(12)),
    ]:
        row = find_row(detail, indicator)
        values = numbers_in(row)
        assert displays(values, rho), f"{indicator}: ρ {rho} not in {values}"
        assert s_k in values, f"{indicator}: s_k {s_k} not in {values}"
        assert e_k in values, f"{indicator}: e_k {e_k} not in {values}"
        assert "yes" not in row, f"{indicator} is not late: {row}"

    department = by(sheets["departments"], "department")["招商部"]
    assert_row(
        department,
        {
            "indicator_score": D("108.51"),
            "city_score": D("93.41"),
            "points": D("10.00"),
            "score": D("112.47"),
            "vetoed": "no",
        },
    )
    # D before points is not a column of its own: score − points must give it back.
    assert dec(department["score"]) - dec(department["points"]) == D("102.47")
    assert_ledger_rows(
        sheets["points_ledger"],
        {
            ("招商部", "A01"): (4, D(8), D(6), D(6)),
            ("招商部", "A02"): (5, D(16), None, D(16)),
            ("招商部", "B01"): (3, D(-3), None, D(-3)),
        },
    )


# ----------------------------------------------------------------------------- 1. veto


def test_department_veto_and_its_cascade(out: Path, sheets: dict[str, Rows]) -> None:
    # 否决!2: 规划建设部 安全生产. Its score, before the cap:
    #   指标!17 ZB16 市 正向 85/90 = 0.9444…; completed 09-20 > deadline 08-31: late × 0.8
    #         s = r2(75.5555…) = 75.56; e = 15
    #   指标!18 ZB17 省 正向 118.6/120 = 0.98833…; 09-30 = 09-30 not late
    #         s = r2(98.8333…) = 98.83; e = 24
    #   指标!19 ZB18 市 正向 92/80 = 1.15; 09-25 > 09-15 late: s = r2(115 × 0.8) = 92.00; e = 10
    #   指标!20 ZB19 市 反向 1/1 = 1: s = 100.00; e = 5
    #   I = r2((1133.40 + 2371.92 + 920 + 500) / 54) = r2(4925.32 / 54) = r2(91.2096…) = 91.21
    #   市级分工!7  固定资产投资增速     a 0.7: 10 × 0.7 = 7.0 × q 96 = 672
    #   市级分工!20 重点项目建设综合评价 a 0.6:  8 × 0.6 = 4.8 × q 84 = 403.2
    #   C = r2(1075.2 / 11.8) = r2(91.1186…) = 91.12
    #   D = r2(0.6 × 91.21 + 0.4 × 91.12) = r2(54.726 + 36.448) = r2(91.174) = 91.17
    #   points: 点数!216 B01 −1 → −1.00; 91.17 − 1.00 = 90.17
    #   vetoed: min(90.17, 60) = 60.00; band 合格 by score, max_grade → 不合格.
    # 社会事业部 (the other department of the same leader in charge):
    #   指标!21 ZB20 省 反向 actual 0 → ρ = cap 1.2: s = 120.00; e = 12
    #   指标!22 ZB21 省 正向 3820/3500 = 1.091428…: s = 109.14; e = 12
    #   指标!23 ZB22 市 评分 90.18: s = 90.18; e = 5
    #   指标!24 ZB23 市 正向 95/90 = 1.0555…, 08-30 ≤ 08-31: s = 105.56; e = 5
    #   I = r2((1440 + 1309.68 + 450.90 + 527.80) / 34) = r2(3728.38 / 34) = r2(109.6582…)
    #     = 109.66; no city shares → D = r2(0.6 × 109.66 / 0.6) = 109.66
    #   points: 点数!213 A01 +2; 点数!73, 250, 342, 391 B01 4 × −1 = −4 → −2.00; D = 107.66
    departments = by(sheets["departments"], "department")
    assert_row(
        departments["规划建设部"],
        {
            "indicator_score": D("91.21"),
            "city_score": D("91.12"),
            "points": D("-1.00"),
            "score": D("60.00"),
            "vetoed": "yes",
            "grade": "不合格",
        },
    )
    assert_row(
        departments["社会事业部"],
        {
            "indicator_score": D("109.66"),
            "city_score": None,
            "points": D("-2.00"),
            "score": D("107.66"),
            "vetoed": "no",
        },
    )
    detail = sheet_rows(out, "indicator_detail", LANG)
    for indicator, s_k, e_k, late in [
        ("ZB16", D("75.56"), D(15), True),
        ("ZB17", D("98.83"), D(24), False),
        ("ZB18", D("92.00"), D(10), True),
        ("ZB19", D("100.00"), D(5), False),
    ]:
        row = find_row(detail, indicator)
        assert s_k in numbers_in(row) and e_k in numbers_in(row), (indicator, row)
        assert ("yes" in row) is late, f"{indicator}: late flag should be {late}: {row}"

    # Leader in charge G0005 (人员!6; 部门!8 规划建设部, 部门!9 社会事业部), vetoed by cascade:
    #   M = r2((60.00 + 107.66) / 2) = 83.83 (uses the capped D)
    #   L = r2((0.5 × 89.04 + 0.5 × 83.83) / 1.0) = r2(44.52 + 41.915) = r2(86.435) = 86.44
    #   points 点数!182 B01 → −1.00: L = 85.44; vetoed: min(85.44, 60) = 60.00, 不合格.
    leader = by(sheets["leaders"], "id")["G0005"]
    assert_row(
        leader,
        {
            "kind": "leader_in_charge",
            "zone_score": D("89.04"),
            "departments_mean": D("83.83"),
            "points": D("-1.00"),
            "score": D("60.00"),
            "vetoed": "yes",
            "grade": "不合格",
        },
    )
    assert dec(leader["score"]) <= 60
    # Leaders are not in the bonus population (include_leaders: false): nothing is paid.
    assert "G0005" not in {row["id"] for row in sheets["bonus"]}

    individuals = by(sheets["individuals"], "id")
    # 部长 G0128 (人员!129, 12000, 综合保障), vetoed by cascade (department_head: true):
    #   点数!80, 265 B01 2 × −1 → P = −2.00, Q = 98.00
    #   S = r2(0.7 × 60.00 + 0.3 × 98.00) = r2(42 + 29.4) = 71.40 → min(71.40, 60) = 60.00
    assert_row(
        individuals["G0128"],
        {
            "department": "规划建设部",
            "role": "部长",
            "points": D("-2.00"),
            "personal_score": D("98.00"),
            "department_score": D("60.00"),
            "score": D("60.00"),
            "vetoed": "yes",
            "grade": "不合格",
        },
    )
    # members: false — 副部长 G0129 (人员!130, no events) and 职员 G0139 (人员!140) are not
    # vetoed but carry the capped 60.00:
    #   G0129: P 0, Q 100.00, S = r2(0.4 × 60 + 0.6 × 100) = 84.00 → 良好 (80 ≤ S < 90)
    #   G0139: 点数!135 A01 +2; 点数!195, 252 A02 2 × 3 = 6; 点数!340 B02 −2 → P = 6.00,
    #          Q = 106.00, S = r2(24 + 63.6) = 87.60 → 良好
    assert_row(
        individuals["G0129"],
        {"points": D("0.00"), "department_score": D("60.00"), "score": D("84.00")}
        | {"vetoed": "no", "grade": "良好"},
    )
    assert_row(
        individuals["G0139"],
        {"points": D("6.00"), "personal_score": D("106.00"), "department_score": D("60.00")}
        | {"score": D("87.60"), "vetoed": "no", "grade": "良好"},
    )
    staff = [row for row in sheets["individuals"] if row["department"] == "规划建设部"]
    assert len(staff) == 16  # 人员!129–144
    for person in staff:
        assert same(person["department_score"], D("60.00")), person
        assert person["vetoed"] == ("yes" if person["id"] == "G0128" else "no"), person

    # Person veto 否决!3: G0052 (人员!53, 财政金融部 职员 综合保障 6500) 全面从严治党.
    # 财政金融部 is untouched (a person veto never spreads to its department):
    #   指标!14 ZB13 市 27.92/28.5 = 0.979649…: s = 97.96; e = 12.5
    #   指标!15 ZB14 省 24.6/20 = 1.23 → cap 1.2: s = 120.00; e = 12
    #   指标!16 ZB15 市 评分 88.46; e = 10
    #   I = r2((1224.5 + 1440 + 884.6) / 34.5) = r2(3549.1 / 34.5) = r2(102.8724…) = 102.87
    #   市级分工!10 一般公共预算收入 a 1: R 6 → q 80 (default): C = 80.00
    #   D = r2(0.6 × 102.87 + 0.4 × 80.00) = r2(61.722 + 32) = 93.72
    #   points 点数!277, 406 B01 → −2.00: D = 91.72, not vetoed.
    # G0052: 点数!210, 382, 395 B01 3 × −1 → P = −3.00, Q = 97.00
    #   S = r2(0.4 × 91.72 + 0.6 × 97.00) = r2(36.688 + 58.2) = r2(94.888) = 94.89
    #   vetoed: min(94.89, 60) = 60.00; band 合格 by score → max_grade 不合格.
    assert_row(
        departments["财政金融部"],
        {
            "indicator_score": D("102.87"),
            "city_score": D("80.00"),
            "points": D("-2.00"),
            "score": D("91.72"),
            "vetoed": "no",
        },
    )
    assert_row(
        individuals["G0052"],
        {
            "department": "财政金融部",
            "role": "职员",
            "points": D("-3.00"),
            "personal_score": D("97.00"),
            "department_score": D("91.72"),
            "score": D("60.00"),
            "vetoed": "yes",
            "grade": "不合格",
        },
    )

    # Exactly these are vetoed: 规划建设部; G0005; G0128 and G0052.
    assert {r["department"] for r in sheets["departments"] if r["vetoed"] == "yes"} == {"规划建设部"}
    assert {r["id"] for r in sheets["leaders"] if r["vetoed"] == "yes"} == {"G0005"}
    assert {r["id"] for r in sheets["individuals"] if r["vetoed"] == "yes"} == {"G0052", "G0128"}

    # forfeit_bonus: the rows show the coefficients (post, role, grade factor 0 of 不合格,
    # months 1) and pay nothing — the reward (−200 / −300 otherwise) too.
    bonus = by(sheets["bonus"], "id")
    zero = {"bonus": 0, "points_reward": 0, "total": 0}
    coefs = {"grade_factor": D(0), "months_factor": D(1)}
    assert_row(bonus["G0128"], {"bonus_base": 12000, "post_coef": D(1), "role_coef": D("1.5")} | coefs | zero)
    assert_row(bonus["G0052"], {"bonus_base": 6500, "post_coef": D(1), "role_coef": D(1)} | coefs | zero)


# ---------------------------------------------------------------- 4. two individuals


def test_two_individuals_end_to_end(sheets: dict[str, Rows]) -> None:
    # D(招商部) = 112.47 (test_zhaoshang_department_by_hand).
    # G0055 (人员!56) 曾长青, 招商部 部长, 招商, 12000, full quarter — by_role 部长 0.7/0.3:
    #   点数!4, 10 B01 2 × −1 = −2; 点数!308 A02 +3 → P = 1.00 (within ±20), Q = 101.00
    #   S = r2((0.7 × 112.47 + 0.3 × 101.00) / 1.0) = r2(78.729 + 30.3) = r2(109.029) = 109.03
    # G0070 (人员!71) 汪晶晶, 招商部 职员, 招商, 6500, 在岗月数 2 — weights 0.4/0.6:
    #   点数!9, 111, 330 A02 3 × 3 = 9; 点数!193 A01 +2; 点数!82, 396 B01 2 × −1 = −2
    #   P = 9.00, Q = 109.00
    #   S = r2(0.4 × 112.47 + 0.6 × 109.00) = r2(44.988 + 65.4) = r2(110.388) = 110.39
    individuals = by(sheets["individuals"], "id")
    a, b = individuals["G0055"], individuals["G0070"]
    assert_row(
        a,
        {
            "name": "曾长青",
            "department": "招商部",
            "post_category": "招商",
            "role": "部长",
            "points": D("1.00"),
            "personal_score": D("101.00"),
            "department_score": D("112.47"),
            "score": D("109.03"),
            "vetoed": "no",
        },
    )
    assert_row(
        b,
        {
            "name": "汪晶晶",
            "department": "招商部",
            "post_category": "招商",
            "role": "职员",
            "points": D("9.00"),
            "personal_score": D("109.00"),
            "department_score": D("112.47"),
            "score": D("110.39"),
            "vetoed": "no",
        },
    )
    assert_ledger_rows(
        sheets["points_ledger"],
        {
            ("G0055", "A02"): (1, D(3), None, D(3)),
            ("G0055", "B01"): (2, D(-2), None, D(-2)),
            ("G0070", "A01"): (1, D(2), D(6), D(2)),
            ("G0070", "A02"): (3, D(9), None, D(9)),
            ("G0070", "B01"): (2, D(-2), None, D(-2)),
        },
    )

    # Rank consistency: competition rank = 1 + number of individuals scoring higher; the
    # grade is 优秀 iff S ≥ 90 and the person is among the first 31 non-vetoed rows in
    # deterministic order (both score ≥ 90).
    rows = sheets["individuals"]
    eligible = [row["id"] for row in rows if row["vetoed"] == "no"]
    for person, s in ((a, D("109.03")), (b, D("110.39"))):
        assert person["rank"] == 1 + sum(1 for row in rows if dec(row["score"]) > s)
        top = eligible.index(person["id"]) < 31
        assert person["grade"] == ("优秀" if top else "良好"), person

    # Bonus rows: post 招商 1.3; role 部长 1.5 / 职员 1.0; grade factor 优秀 1.2 / 良好 1.0;
    # months_factor 3/3 = 1 and 2/3 = 0.6667 (4 decimals).
    # points_reward = round0(100 × P): G0055 100 × 1.00 = 100; G0070 100 × 9.00 = 900.
    bonus = by(sheets["bonus"], "id")
    factor = {"优秀": D("1.2"), "良好": D("1.0")}
    for person, role_coef, months, reward in ((a, D("1.5"), D(1), 100), (b, D(1), D("0.6667"), 900)):
        row = bonus[person["id"]]
        assert_row(
            row,
            {
                "department": "招商部",
                "bonus_base": 12000 if person is a else 6500,
                "post_coef": D("1.3"),
                "role_coef": role_coef,
                "grade_factor": factor[person["grade"]],
                "months_factor": months,
                "points_reward": reward,
            },
        )
        # total = max(0, bonus + reward); these two earn a positive bonus.
        assert dec(row["bonus"]) > 0
        assert dec(row["total"]) == max(D(0), dec(row["bonus"]) + reward)


# ----------------------------------------------------------------- bonus invariants


def test_bonus_pool_invariants(sheets: dict[str, Rows]) -> None:
    rows = sheets["bonus"]
    bonus = by(rows, "id")
    # The bonus population is the 156 individuals (leaders excluded); the pool is paid
    # out exactly, in whole yuan.
    assert [row["id"] for row in rows] == [row["id"] for row in sheets["individuals"]]
    assert sum(dec(row["bonus"]) for row in rows) == POOL
    for row in rows:
        for column in ("bonus", "points_reward", "total"):
            assert dec(row[column]) == dec(row[column]).to_integral_value(), row
    # Every vetoed (forfeited) row pays 0; every other total is max(0, bonus + reward).
    vetoed = {row["id"] for row in sheets["individuals"] if row["vetoed"] == "yes"}
    for row in rows:
        if row["id"] in vetoed:
            assert (row["bonus"], row["points_reward"], row["total"]) == (0, 0, 0), row
        else:
            expected = max(D(0), dec(row["bonus"]) + dec(row["points_reward"]))
            assert dec(row["total"]) == expected, row

    # Pairs of 规划建设部 staff (D = 60.00, members not vetoed), all full quarter, 职员
    # (role 1.0), scores in [80, 90) → 良好 whatever the quota, factor 1.0:
    #   G0130 (人员!131) 招商 6500: 点数!61 A02 +3, 点数!253, 459 B01 −2 → P 1.00, Q 101
    #         S = r2(24 + 60.6) = 84.60; u = 6500 × 1.3 × 1 × 1 × 1 = 8450
    #   G0141 (人员!142) 招商 6500: 点数!41, 458 A02 +6, 点数!450 A01 +2 → P 8.00, Q 108
    #         S = r2(24 + 64.8) = 88.80; u = 8450
    #   G0131 (人员!132) 综合保障 7000: 点数!347 B01 → P −1.00, S = r2(24 + 59.4) = 83.40;
    #         u = 7000
    #   G0132 (人员!133) 综合保障 7000: no events → S = 84.00; u = 7000
    #   G0133 (人员!134) 综合保障 6000: 点数!45, 303 B01 −2, 点数!411 A01 +2 → P 0,
    #         S = 84.00; u = 6000
    #   G0134 (人员!135) 综合保障 8000: 点数!85, 381 A01 +4 → P 4.00, S = r2(24 + 62.4)
    #         = 86.40; u = 8000 = 4/3 × u(G0133)
    # With b = pool × u / Σu exactly, each paid bonus is floor(b) or floor(b) + 1, so
    # |paid − b| < 1. Equal u: equal b and equal remainders, the spare yuan goes to the
    # lower id first → bonus(lower id) − bonus(higher id) ∈ {0, 1}. u_A = 4/3 u_B:
    # |3 × bonus_A − 4 × bonus_B| < 3 + 4 = 7.
    individuals = by(sheets["individuals"], "id")
    for pid, s in [
        ("G0130", "84.60"),
        ("G0141", "88.80"),
        ("G0131", "83.40"),
        ("G0132", "84.00"),
        ("G0133", "84.00"),
        ("G0134", "86.40"),
    ]:
        assert_row(individuals[pid], {"score": D(s), "vetoed": "no", "grade": "良好"})
        assert_row(bonus[pid], {"grade_factor": D(1), "months_factor": D(1), "role_coef": D(1)})
    for low, high in (("G0130", "G0141"), ("G0131", "G0132")):
        assert dec(bonus[low]["bonus"]) - dec(bonus[high]["bonus"]) in (0, 1), (low, high)
    assert abs(3 * dec(bonus["G0134"]["bonus"]) - 4 * dec(bonus["G0133"]["bonus"])) < 7


# ------------------------------------------------------------------------- 5. caps


def test_person_and_code_caps(sheets: dict[str, Rows]) -> None:
    # G0077 (人员!78, 招商部 职员): A02 × 8 (点数!8, 22, 47, 186, 229, 261, 399, 400) = 24,
    #   no code cap; B01 点数!154 −1. Net 23 → person cap 20.00; Q = 120.00;
    #   S = r2(0.4 × 112.47 + 0.6 × 120) = r2(44.988 + 72) = r2(116.988) = 116.99
    # G0059 (人员!60, 招商部 职员): A02 × 7 (点数!52, 166, 174, 194, 206, 307, 443) = 21 is
    #   over 20 on its own, but the cap applies to the net: B01 × 3 (点数!146, 178, 438)
    #   −3 → 18.00 (no cap); Q = 118.00; S = r2(44.988 + 70.8) = r2(115.788) = 115.79
    # G0161 (人员!162, 纪工委 职员): A01 × 5 (点数!28, 228, 299, 351, 432) = 10 → max 6;
    #   B02 点数!212 −2 → 4.00; Q = 104.00.
    #   D(纪工委): no indicators; 市级分工!14 营商环境评价 a 0.2, q 88 → C = 88.00;
    #   D = r2(0.4 × 88.00 / 0.4) = 88.00; B01 × 5 (点数!38, 215, 244, 269, 325) → −5.00;
    #   D = 83.00. S = r2(0.4 × 83.00 + 0.6 × 104.00) = r2(33.2 + 62.4) = 95.60
    assert_ledger_rows(
        sheets["points_ledger"],
        {
            ("G0077", "A02"): (8, D(24), None, D(24)),
            ("G0077", "B01"): (1, D(-1), None, D(-1)),
            ("G0059", "A02"): (7, D(21), None, D(21)),
            ("G0059", "B01"): (3, D(-3), None, D(-3)),
            ("G0161", "A01"): (5, D(10), D(6), D(6)),
            ("G0161", "B02"): (1, D(-2), D(6), D(-2)),
            ("纪工委", "B01"): (5, D(-5), None, D(-5)),
        },
    )
    individuals = by(sheets["individuals"], "id")
    assert_row(
        individuals["G0077"],
        {"points": D("20.00"), "personal_score": D("120.00"), "score": D("116.99")},
    )
    assert_row(
        individuals["G0059"],
        {"points": D("18.00"), "personal_score": D("118.00"), "score": D("115.79")},
    )
    assert_row(
        individuals["G0161"],
        {"points": D("4.00"), "personal_score": D("104.00")}
        | {"department_score": D("83.00"), "score": D("95.60")},
    )
    assert_row(
        by(sheets["departments"], "department")["纪工委"],
        {"indicator_score": None, "city_score": D("88.00"), "points": D("-5.00")} | {"score": D("83.00")},
    )


# ------------------------------------------------------------------- 6. grade quotas


def test_grade_quotas(sheets: dict[str, Rows]) -> None:
    # 优秀 quota 0.2, floor, n counts vetoed members too:
    #   individuals n = 156: floor(31.2) = 31; departments n = 9: floor(1.8) = 1;
    #   leaders n = 7: floor(1.4) = 1.
    # At least one department (招商部 112.47) and one leader (G0003: r2(0.5 × 89.04 +
    # 0.5 × 112.47) = r2(100.755) = 100.76, + 点数!368 A02 3.00 = 103.76) reach 90, so
    # both quotas are filled exactly, by the first row of their sheet.
    for key, n, quota in (("individuals", 156, 31), ("departments", 9, 1), ("leaders", 7, 1)):
        rows = sheets[key]
        assert len(rows) == n
        assert quota == math.floor(D(n) * D("0.2"))
        excellent = [i for i, row in enumerate(rows) if row["grade"] == "优秀"]
        assert all(rows[i]["vetoed"] == "no" for i in excellent), key
        # Candidates in deterministic order: the 优秀 rows are exactly the first
        # min(quota, #non-vetoed ≥ 90) non-vetoed rows scoring ≥ 90.
        candidates = [i for i, row in enumerate(rows) if row["vetoed"] == "no" and dec(row["score"]) >= 90]
        assert excellent == candidates[:quota], key
        # Everybody else gets the highest band their score reaches below 优秀
        # (vetoed rows capped at 不合格).
        for i, row in enumerate(rows):
            s = dec(row["score"])
            if row["vetoed"] == "yes":
                assert row["grade"] == "不合格", row
            elif i not in excellent:
                want = "良好" if s >= 80 else "合格" if s >= 60 else "不合格"
                assert row["grade"] == want, row
    assert sheets["departments"][0]["department"] == "招商部"
    assert sheets["departments"][0]["grade"] == "优秀"
    g0003 = by(sheets["leaders"], "id")["G0003"]
    assert_row(
        g0003,
        {"departments_mean": D("112.47"), "points": D("3.00"), "score": D("103.76")},
    )
    # The sample has at least 31 non-vetoed individuals ≥ 90 (counted from the output),
    # so exactly 31 are 优秀.
    individuals = sheets["individuals"]
    reach = [r for r in individuals if r["vetoed"] == "no" and dec(r["score"]) >= 90]
    assert len(reach) >= 31
    assert sum(1 for r in individuals if r["grade"] == "优秀") == 31


# ------------------------------------------------------------ 7. order and ranks


@pytest.mark.parametrize(
    ("key", "ident"),
    [("individuals", "id"), ("departments", "department"), ("leaders", "id")],
)
def test_order_and_competition_ranks(sheets: dict[str, Rows], key: str, ident: str) -> None:
    # Score descending, then id / department name by code point; ranks are competition
    # ranks: 1 + the number of members scoring strictly higher.
    rows = sheets[key]
    keys = [(-dec(row["score"]), row[ident]) for row in rows]
    assert keys == sorted(keys), f"{key} not in deterministic order"
    for row in rows:
        higher = sum(1 for other in rows if dec(other["score"]) > dec(row["score"]))
        assert row["rank"] == 1 + higher, row


def test_bonus_rows_follow_individuals_order(sheets: dict[str, Rows]) -> None:
    assert [r["id"] for r in sheets["bonus"]] == [r["id"] for r in sheets["individuals"]]


# --------------------------------------------------------------------- 8. run_info


def test_run_info_records_hashes(out: Path) -> None:
    texts = "\n".join(row_texts(sheet_rows(out, "run_info", LANG))).lower()
    assert hashlib.sha256(RULES.read_bytes()).hexdigest() in texts
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() in texts
    assert "2024q3" in texts
