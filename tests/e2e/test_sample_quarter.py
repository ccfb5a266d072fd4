"""The bundled sample quarter (samples/2024Q3.xlsx) end to end: a golden test.

The sample is scored once through the real CLI (``kpi score … --lang en``) with the
reference rules ``rules/qingdao-hitech-2024.yaml``. It has 261 people, 525 typed point
events, 429 service requests and 3,283 evaluation rows, too many to derive every
published number by hand, so this module checks:

* a representative subset derived **by hand** from the input rows, each expected
  value worked out in the comments next to its assertion: a department by its
  indicators, city shares and 共建共评; the grid department and one 网格员 with late
  requests over the Mid-Autumn and National Day make-up days and a per-code clamp;
  an individual whose 民主测评 is trimmed; the curve indicators; a department-linked
  quota cut; the vetoes and their cascade. Input rows are cited as ``sheet!row``
  (Excel row numbers of samples/2024Q3.xlsx, header = row 1). The arithmetic follows
  method §6 and was done with Python's ``decimal`` and ``fractions`` modules outside
  the repository, never copied from kpi's output. ``r2`` is round half away from
  zero to 2 places and every step uses the rounded value of the step before it;
  ``tm(…)`` is a trimmed mean: sort, drop the lowest and the highest (trim 1), r2 of
  the mean of the rest; and
* invariants that hold for every row and need no Σ over the whole population
  to check (pool sum, forfeits, bonus shares, quotas, order, ranks, hashes).

Rules used throughout (rules/qingdao-hitech-2024.yaml): events A01 +2 (max 6 per
period), A02 +3, B01 −1, B02 −2 (max 6), S01 −1, S02 −2 (max 6), S03 +0.5 (max 3);
person cap ±20, department cap ±10; level multipliers 国家 1.5 / 省 1.2 / 市 1.0,
ratio cap 1.2, late factor 0.8; curves 增长型 linear [0.5, 0] [1, 100] [1.5, 120] and
达标型 step [0.8, 60] [0.9, 80] [1, 100]; rank score table {1: 100, 2: 96, 3: 92, 4: 88,
5: 84} default 80; leader in charge zone 0.4 / departments 0.4 / evaluation 0.2; main
leader zone 0.8 / evaluation 0.2; department weights indicators 0.5 / city 0.3 /
evaluation 0.2; individuals department 0.3 / personal 0.4 / evaluation 0.3, 部长
0.6 / 0.2 / 0.2, 网格员 0.2 / 0.4 / 0.4 (weights renormalised over the components a
member has); evaluation groups 领导 0.4, 同事 0.3, 服务企业 0.3, 街道 0.4, 平台公司
0.3, 园区 0.3, votes 优秀 100 / 称职 85 / 基本称职 70 / 不称职 50, trim 1, min_raters 3;
service 1510 (respond 1, settle 一般 5 / 特殊 10 working days) on the statutory
calendar (2024: 端午 10 Jun; 中秋 15–17 Sep off, Sat 14 Sep worked; 国庆 1–7 Oct off,
Sun 29 Sep and Sat 12 Oct worked) plus the zone's closure Fri 26 Jul; veto cap 60,
max grade 不合格, forfeit bonus, cascade to department head and leader in charge (not
members); bands 优秀 ≥ 90 (quota 0.2 for departments and leaders; for individuals by
the department's grade 优秀 0.3 / 良好 0.2 / 合格 0.1 / 不合格 0, per department,
floor, factor 1.2), 良好 ≥ 88 (1.0), 合格 ≥ 80 (0.8), 不合格 (0); pool 2250000, 100
yuan per point, leaders unpaid.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
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
POOL = 2250000

Rows = list[dict[str, Any]]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample-quarter") / "results.xlsx"
    score(SAMPLE, RULES, "2024Q3", path, "--lang", LANG)
    return path


@pytest.fixture(scope="module")
def sheets(out: Path) -> dict[str, Rows]:
    tables = {
        key: read_sheet(out, key, LANG, evaluation=True) for key in ("individuals", "departments", "leaders")
    }
    tables |= {key: read_sheet(out, key, LANG) for key in ("bonus", "points_ledger")}
    for key in ("evaluation_detail", "service_detail", "indicator_detail"):
        header, *rows = sheet_rows(out, key, LANG)
        tables[key] = [
            dict(zip(header, [*row, *[None] * (len(header) - len(row))], strict=True)) for row in rows
        ]
    return tables


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


def assert_groups(rows: Rows, target: str, expected: dict[str, tuple[int, int, D | None]]) -> None:
    """evaluation_detail of one target: group -> (count, trimmed, mean), exactly these groups."""
    mine = {r["rater_group"]: r for r in rows if r["target"] == target}
    assert mine.keys() == expected.keys(), f"{target}: groups {sorted(mine)}"
    for group, (count, trimmed, mean) in expected.items():
        row = mine[group]
        assert (row["count"], row["trimmed"]) == (count, trimmed), (target, group, row)
        assert same(row["mean"], mean), (target, group, row)
        assert row["counted"] == ("yes" if mean is not None else "no"), (target, group, row)


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


def day(month: int, day_of_month: int) -> date:
    return date(2024, month, day_of_month)


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
    #   市级分工!17 外贸进出口总额       a 0.4:        6 × 0.4 = 2.4,  × q  80 = 192
    #   市级分工!23 重点项目建设综合评价 a 0.4:        8 × 0.4 = 3.2,  × q  84 = 268.8
    #   C = r2(2484.8 / 26.6) = r2(93.4135…) = 93.41
    # 共建共评 (测评!3187–3201), each group trimmed (tm):
    #   街道 94.9 89.9 94.2 83.9 91.1 99.1 → drop 83.9, 99.1 → (89.9 + 91.1 + 94.2 + 94.9) / 4
    #        = 370.1 / 4 = 92.525 → 92.53
    #   平台公司 83.3 93.6 90.6 93.2 → drop 83.3, 93.6 → (90.6 + 93.2) / 2 = 91.90
    #   园区 92.7 88.7 90.8 86.5 93.4 → drop 86.5, 93.4 → (88.7 + 90.8 + 92.7) / 3 = 90.7333… → 90.73
    #   E = r2(0.4 × 92.53 + 0.3 × 91.90 + 0.3 × 90.73) = r2(37.012 + 27.57 + 27.219) = r2(91.801) = 91.80
    # 5.4 D = r2(0.5 × 108.51 + 0.3 × 93.41 + 0.2 × 91.80) = r2(54.255 + 28.023 + 18.36)
    #   = r2(100.638) = 100.64
    # 5.1 department points (cap ±10), 点数 rows targeting 招商部:
    #   A01 rows 104, 323, 366, 424: 4 × 2 = 8 → max_per_period 6
    #   A02 row 219 explicit 4; rows 314, 351, 356, 456: 4 × 3 = 12 → 16 (no code cap)
    #   B01 rows 262, 502, 525: 3 × −1 = −3
    #   net 6 + 16 − 3 = 19 → department cap 10.00
    # D = 100.64 + 10.00 = 110.64 (not vetoed).
    detail = sheet_rows(out, "indicator_detail", LANG)
    assert len(detail) == 1 + 33, "a header row and one row per indicator"
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
            "evaluation_score": D("91.80"),
            "points": D("10.00"),
            "score": D("110.64"),
            "vetoed": "no",
        },
    )
    # D before points is not a column of its own: score − points must give it back.
    assert dec(department["score"]) - dec(department["points"]) == D("100.64")
    assert_ledger_rows(
        sheets["points_ledger"],
        {
            ("招商部", "A01"): (4, D(8), D(6), D(6)),
            ("招商部", "A02"): (5, D(16), None, D(16)),
            ("招商部", "B01"): (3, D(-3), None, D(-3)),
        },
    )
    assert_groups(
        sheets["evaluation_detail"],
        "招商部",
        {"街道": (6, 2, D("92.53")), "平台公司": (4, 2, D("91.90")), "园区": (5, 2, D("90.73"))},
    )


# ------------------------------------------- the grids: a department and a 网格员 by hand


def test_grid_department_by_hand(sheets: dict[str, Rows]) -> None:
    # 网格服务中心 (部门!11), the department with all three 共建共评 groups and a curve indicator:
    #   指标!31 ZB30 市 正向 89.2/95, 计分曲线 达标型: ρ = 0.93894…; the last step with x ≤ ρ
    #        is [0.9, 80] → g = 80; done 09-30 ≤ 09-30, f 1 → s = 80.00; e = 15
    #   指标!32 ZB31 市 正向 98.6/100 = 0.986 → s = 98.60; e = 10
    #   指标!33 ZB32 市 评分 91.06 → s = 91.06; e = 10
    #   指标!34 ZB33 省 正向 14/12 = 1.1666… (≤ cap 1.2), 09-26 ≤ 09-30 → s = r2(116.666…)
    #        = 116.67; e = 10 × 1.2 = 12
    #   I = r2((15 × 80 + 10 × 98.60 + 10 × 91.06 + 12 × 116.67) / 47)
    #     = r2((1200 + 986 + 910.6 + 1400.04) / 47) = r2(4496.64 / 47) = r2(95.6731…) = 95.67
    #   市级分工!13 营商环境评价 (w 10, q 88) a 0.2: 2.0 × 88 = 176
    #   市级分工!21 新增市场主体数 (w 5, q 80) a 0.2: 1.0 × 80 = 80
    #   C = r2(256 / 3) = r2(85.333…) = 85.33
    #   共建共评 (测评!3270–3284):
    #   街道 89.4 92.7 90.8 86.8 89.7 88.4 → drop 86.8, 92.7 → 358.3 / 4 = 89.575 → 89.58
    #   平台公司 81.4 87.5 85.2 85.3 → drop 81.4, 87.5 → (85.2 + 85.3) / 2 = 85.25
    #   园区 88.8 86.3 84.9 84.1 87.9 → drop 84.1, 88.8 → 259.1 / 3 = 86.3666… → 86.37
    #   E = r2(0.4 × 89.58 + 0.3 × 85.25 + 0.3 × 86.37) = r2(35.832 + 25.575 + 25.911)
    #     = r2(87.318) = 87.32
    #   D = r2(0.5 × 95.67 + 0.3 × 85.33 + 0.2 × 87.32) = r2(47.835 + 25.599 + 17.464)
    #     = r2(90.898) = 90.90
    #   points: 点数!251 A01 +2; 点数!337, 418 B01 2 × −1 → 0.00; D = 90.90.
    #   Grade: 88 ≤ 90.90, and 90.90 reaches 优秀 (≥ 90), but the departments' 2 places
    #   (floor(10 × 0.2)) go to 招商部 110.64 and 社会事业部 102.17 → 良好.
    assert_row(
        by(sheets["departments"], "department")["网格服务中心"],
        {
            "indicator_score": D("95.67"),
            "city_score": D("85.33"),
            "evaluation_score": D("87.32"),
            "points": D("0.00"),
            "score": D("90.90"),
            "vetoed": "no",
            "grade": "良好",
        },
    )
    assert_groups(
        sheets["evaluation_detail"],
        "网格服务中心",
        {"街道": (6, 2, D("89.58")), "平台公司": (4, 2, D("85.25")), "园区": (5, 2, D("86.37"))},
    )
    assert_ledger_rows(
        sheets["points_ledger"],
        {("网格服务中心", "A01"): (1, D(2), D(6), D(2)), ("网格服务中心", "B01"): (2, D(-2), None, D(-2))},
    )


#: G0192's requests (企业诉求!28 … 409) as 诉求明细 publishes them: 编号, 类别, 受理, 回应时限,
#: 回应日期, 回应逾期, 办结时限, 办结日期, 办结逾期, 生成事项 (None = blank).
GRID_WORKER_REQUESTS = [
    ("SQ20240624-01", "一般", day(6, 24), day(6, 25), day(6, 24), None, day(7, 1), day(7, 3), "yes", "S02"),
    ("SQ20240703-01", "一般", day(7, 3), day(7, 4), day(7, 3), "no", day(7, 10), None, "yes", "S02"),
    ("SQ20240715-01", "一般", day(7, 15), day(7, 16), day(7, 15), "no", day(7, 22), day(7, 18), "no", "S03"),
    ("SQ20240723-01", "一般", day(7, 23), day(7, 24), day(7, 24), "no", day(7, 31), day(7, 31), "no", "S03"),
    ("SQ20240808-01", "一般", day(8, 8), day(8, 9), day(8, 9), "no", day(8, 15), day(8, 16), "yes", "S02"),
    ("SQ20240819-01", "特殊", day(8, 19), day(8, 20), day(8, 19), "no", day(9, 2), day(9, 5), "yes", "S02"),
    ("SQ20240902-01", "一般", day(9, 2), day(9, 3), day(9, 2), "no", day(9, 9), day(9, 4), "no", "S03"),
    ("SQ20240913-01", "一般", day(9, 13), day(9, 14), day(9, 18), "yes", day(9, 23), day(9, 24), "yes",
     "S01,S02"),
    ("SQ20240927-01", "一般", day(9, 27), day(9, 29), day(9, 30), "yes", day(10, 10), None, None, "S01"),
]  # fmt: skip


def test_grid_worker_with_late_requests_by_hand(sheets: dict[str, Rows]) -> None:
    # G0192 陈文华 (人员!193), 网格员 of 创新片区3号网格, 企业服务, 6000, full quarter.
    # Deadlines: r = wd(受理, 1), c = wd(受理, 5) (特殊 10), wd(d, n) the n-th working day
    # after d, counted on the wall calendar (weekends off; 26 Jul closed; 16–17 Sep and
    # 1–7 Oct off; Sat 14 Sep and Sun 29 Sep worked). A check counts in Q3 when its
    # deadline lies in 1 Jul – 30 Sep; a late check makes one event on its deadline.
    #   企业诉求!28  Mon 24 Jun: r = 25 Jun (Q2, not counted); c = 25, 26, 27, 28 Jun, Mon 1 Jul;
    #                settled 3 Jul > 1 Jul → late: S02 on 1 Jul
    #   企业诉求!70  Wed 3 Jul: r = 4 Jul, answered 3 Jul; c = 4, 5, 8, 9, 10 Jul; never
    #                settled → late: S02 on 10 Jul
    #   企业诉求!117 Mon 15 Jul: r = 16 Jul, answered 15; c = 16, 17, 18, 19, 22 Jul, settled 18
    #                → both on time: S03 on 22 Jul
    #   企业诉求!153 Tue 23 Jul: r = 24 Jul, answered 24; c = 24, 25, (Fri 26 closed, 27, 28)
    #                29, 30, 31 Jul, settled 31 → on time: S03 on 31 Jul (without the closure
    #                the deadline would be 30 Jul and 31 late)
    #   企业诉求!213 Thu 8 Aug: r = 9 Aug, answered 9; c = 9, 12, 13, 14, 15 Aug; settled 16
    #                → late: S02 on 15 Aug
    #   企业诉求!249 Mon 19 Aug 特殊: r = 20 Aug, answered 19; c = 20, 21, 22, 23, 26, 27, 28,
    #                29, 30 Aug, Mon 2 Sep (10); settled 5 Sep → late: S02 on 2 Sep
    #   企业诉求!302 Mon 2 Sep: r = 3 Sep, answered 2; c = 3, 4, 5, 6, 9 Sep, settled 4 → S03
    #                on 9 Sep
    #   企业诉求!353 Fri 13 Sep, before 中秋: r = Sat 14 Sep (a make-up working day), answered
    #                Wed 18 → late: S01 on 14 Sep; c = 14 (1), (15 Sun, 16–17 off) 18 (2),
    #                19 (3), 20 (4), (21, 22) Mon 23 (5); settled 24 → late: S02 on 23 Sep
    #   企业诉求!409 Fri 27 Sep, before 国庆: r = Sun 29 Sep (make-up), answered Mon 30 → late:
    #                S01 on 29 Sep; c = 29, 30 Sep, (1–7 Oct off) 8, 9, 10 Oct: Q4, not
    #                counted (办结逾期 blank), no S03
    # Events: S02 × 5 = −10 → max_per_period 6 → −6; S01 × 2 = −2; S03 × 3 = +1.5 (≤ 3);
    # typed 点数!141 A01 +2 (on duty on the closure day). Net 2 − 2 − 6 + 1.5 = −4.50
    # (within ±20), Q = 95.50.
    # 民主测评 and the enterprises' ratings (测评!2265–2281):
    #   领导 76 80 76 → keep 76 → 76.00
    #   同事 称职 基本称职 基本称职 基本称职 基本称职 称职 = 85 70 70 70 70 85 → drop 70 and 85
    #        → (70 + 70 + 70 + 85) / 4 = 73.75
    #   服务企业 79 86 83 81 79 75 80 76 → drop 75, 86 → (76 + 79 + 79 + 80 + 81 + 83) / 6
    #        = 478 / 6 = 79.666… → 79.67
    #   E = r2(0.4 × 76.00 + 0.3 × 73.75 + 0.3 × 79.67) = r2(30.4 + 22.125 + 23.901) = r2(76.426)
    #     = 76.43
    # S (网格员 0.2 / 0.4 / 0.4, D 90.90 from test_grid_department_by_hand)
    #   = r2(0.2 × 90.90 + 0.4 × 95.50 + 0.4 × 76.43) = r2(18.18 + 38.2 + 30.572) = r2(86.952)
    #   = 86.95 → 合格 (80 ≤ 86.95 < 88).
    # Bonus: post 企业服务 1.15, role 网格员 1.0, 合格 0.8, months 1; reward round0(100 × −4.50)
    # = −450, paid against the bonus: total = max(0, bonus − 450).
    detail = {r["id"]: r for r in sheets["service_detail"] if r["handler"] == "G0192"}
    assert list(detail) == [r[0] for r in GRID_WORKER_REQUESTS]
    for (
        rid,
        kind,
        received,
        respond_by,
        responded,
        late_r,
        resolve_by,
        resolved,
        late_c,
        codes,
    ) in GRID_WORKER_REQUESTS:
        row = detail[rid]
        got = (
            row["kind"],
            *(v.date() if v is not None else None for v in (row["received"], row["respond_by"])),
            row["responded"].date() if row["responded"] else None,
            row["late_response"],
            row["resolve_by"].date(),
            row["resolved"].date() if row["resolved"] else None,
            row["late_resolution"],
            row["codes"],
        )
        assert got == (kind, received, respond_by, responded, late_r, resolve_by, resolved, late_c, codes), (
            rid
        )
    assert_ledger_rows(
        sheets["points_ledger"],
        {
            ("G0192", "A01"): (1, D(2), D(6), D(2)),
            ("G0192", "S01"): (2, D(-2), None, D(-2)),
            ("G0192", "S02"): (5, D(-10), D(6), D(-6)),
            ("G0192", "S03"): (3, D("1.5"), D(3), D("1.5")),
        },
    )
    assert_groups(
        sheets["evaluation_detail"],
        "G0192",
        {"领导": (3, 2, D("76.00")), "同事": (6, 2, D("73.75")), "服务企业": (8, 2, D("79.67"))},
    )
    person = by(sheets["individuals"], "id")["G0192"]
    assert_row(
        person,
        {
            "name": "陈文华",
            "department": "网格服务中心",
            "post_category": "企业服务",
            "role": "网格员",
            "points": D("-4.50"),
            "personal_score": D("95.50"),
            "department_score": D("90.90"),
            "evaluation_score": D("76.43"),
            "score": D("86.95"),
            "vetoed": "no",
            "grade": "合格",
        },
    )
    row = by(sheets["bonus"], "id")["G0192"]
    assert_row(
        row,
        {"bonus_base": 6000, "post_coef": D("1.15"), "role_coef": D(1), "grade_factor": D("0.8")}
        | {"months_factor": D(1), "points_reward": -450},
    )
    assert dec(row["total"]) == max(D(0), dec(row["bonus"]) - 450)


# --------------------------------------------------------------------- curve indicators


def test_curve_indicators_by_hand(sheets: dict[str, Rows]) -> None:
    # On a curve, s = r2(g(ρ) × f) with ρ not capped (计分比率 blank):
    #   指标!5  ZB04 科技创新部 省 正向 63.8/60, 增长型: ρ = 1.06333… lies between [1, 100] and
    #          [1.5, 120]: g = 100 + (120 − 100) × (ρ − 1) / 0.5 = 100 + 40 × 0.06333…
    #          = 1538/15 = 102.5333…; completed 09-12 > deadline 08-31: f 0.8
    #          → s = r2(102.5333… × 0.8) = r2(82.0266…) = 82.03 (plain: r2(106.33… × 0.8) = 85.07)
    #   指标!14 ZB13 财政金融部 市 正向 27.92/28.5, 增长型: ρ = 0.979649… between [0.5, 0] and
    #          [1, 100]: g = 200 × (ρ − 0.5) = 5468/57 = 95.9298…; on time → s = 95.93
    #   指标!26 ZB25 党政综合部 市 正向 96.5/100, 达标型: ρ = 0.965; the last step with x ≤ ρ
    #          is [0.9, 80] → s = 80.00 (plain: 96.50)
    #   指标!31 ZB30 网格服务中心 市 正向 89.2/95, 达标型: ρ = 0.93894… → [0.9, 80] → 80.00
    detail = by(sheets["indicator_detail"], "id")
    for indicator, curve, rho, late, s_k in [
        ("ZB04", "增长型", D("63.8") / D(60), "yes", D("82.03")),
        ("ZB13", "增长型", D("27.92") / D("28.5"), "no", D("95.93")),
        ("ZB25", "达标型", D("0.965"), "no", D("80.00")),
        ("ZB30", "达标型", D("89.2") / D(95), "no", D("80.00")),
    ]:
        row = detail[indicator]
        assert row["curve"] == curve and row["late"] == late, row
        assert displays([dec(row["ratio"])], rho), row
        assert row["ratio_capped"] is None and same(row["score"], s_k), row
    # An indicator without a curve keeps its capped ratio.
    assert detail["ZB31"]["curve"] is None and same(detail["ZB31"]["ratio_capped"], D("0.986"))


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
    #   市级分工!22 重点项目建设综合评价 a 0.6:  8 × 0.6 = 4.8 × q 84 = 403.2
    #   C = r2(1075.2 / 11.8) = r2(91.1186…) = 91.12
    #   共建共评 (测评!3232–3246): 街道 77.2 84.9 82.2 85 85.6 85.8 → drop 77.2, 85.8 →
    #   337.7 / 4 = 84.425 → 84.43; 平台公司 83.2 84.5 81.1 89.4 → (83.2 + 84.5) / 2 = 83.85;
    #   园区 87.7 86.7 81.5 84.5 86.3 → (84.5 + 86.3 + 86.7) / 3 = 85.8333… → 85.83;
    #   E = r2(0.4 × 84.43 + 0.3 × 83.85 + 0.3 × 85.83) = r2(33.772 + 25.155 + 25.749) = 84.68
    #   D = r2(0.5 × 91.21 + 0.3 × 91.12 + 0.2 × 84.68) = r2(45.605 + 27.336 + 16.936)
    #     = r2(89.877) = 89.88
    #   points: 点数!247 B01 −1 → −1.00; 89.88 − 1.00 = 88.88
    #   vetoed: min(88.88, 60) = 60.00 → 不合格 (below 合格's 80, and max_grade 不合格).
    # 社会事业部 (the other department of the same leader in charge):
    #   指标!21 ZB20 省 反向 actual 0 → ρ = cap 1.2: s = 120.00; e = 12
    #   指标!22 ZB21 省 正向 3820/3500 = 1.091428…: s = 109.14; e = 12
    #   指标!23 ZB22 市 评分 90.18: s = 90.18; e = 5
    #   指标!24 ZB23 市 正向 95/90 = 1.0555…, 08-30 ≤ 08-31: s = 105.56; e = 5
    #   I = r2((1440 + 1309.68 + 450.90 + 527.80) / 34) = r2(3728.38 / 34) = r2(109.6582…)
    #     = 109.66; no city shares.
    #   共建共评 (测评!3247–3261): 街道 89.6 89 86.5 85.7 91.9 90 → 355.1 / 4 = 88.775 → 88.78;
    #   平台公司 93.4 90.3 93.6 96 → (93.4 + 93.6) / 2 = 93.50; 园区 97.1 90.8 91.7 86.3 82.9 →
    #   (86.3 + 90.8 + 91.7) / 3 = 89.60; E = r2(35.512 + 28.05 + 26.88) = r2(90.442) = 90.44
    #   D = r2((0.5 × 109.66 + 0.2 × 90.44) / 0.7) = r2(72.918 / 0.7) = r2(104.1685…) = 104.17
    #   points: 点数!244 A01 +2; 点数!78, 287, 388, 442 B01 4 × −1 = −4 → −2.00; D = 102.17
    departments = by(sheets["departments"], "department")
    assert_row(
        departments["规划建设部"],
        {
            "indicator_score": D("91.21"),
            "city_score": D("91.12"),
            "evaluation_score": D("84.68"),
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
            "evaluation_score": D("90.44"),
            "points": D("-2.00"),
            "score": D("102.17"),
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
    #   M = r2((60.00 + 102.17) / 2) = r2(81.085) = 81.09 (uses the capped D)
    #   民主测评 (测评!66–81): 领导 88 77 79 78 79 83 → drop 77, 88 → 319 / 4 = 79.75;
    #   同事 称职 × 4, 基本称职 × 6 → drop one 70 and one 85 → (5 × 70 + 3 × 85) / 8 = 605 / 8
    #   = 75.625 → 75.63; E = r2((0.4 × 79.75 + 0.3 × 75.63) / 0.7) = r2(54.589 / 0.7)
    #   = r2(77.9842…) = 77.98
    #   L = r2(0.4 × 89.04 + 0.4 × 81.09 + 0.2 × 77.98) = r2(35.616 + 32.436 + 15.596)
    #     = r2(83.648) = 83.65; points 点数!211 B01 → −1.00: 82.65; vetoed: 60.00, 不合格.
    leader = by(sheets["leaders"], "id")["G0005"]
    assert_row(
        leader,
        {
            "kind": "leader_in_charge",
            "zone_score": D("89.04"),
            "departments_mean": D("81.09"),
            "evaluation_score": D("77.98"),
            "points": D("-1.00"),
            "score": D("60.00"),
            "vetoed": "yes",
            "grade": "不合格",
        },
    )
    # Leaders are not in the bonus population (include_leaders: false): nothing is paid.
    assert "G0005" not in {row["id"] for row in sheets["bonus"]}

    individuals = by(sheets["individuals"], "id")
    # 部长 G0128 (人员!129, 12000, 综合保障), vetoed by cascade (department_head: true):
    #   点数!86, 302 B01 2 × −1 → P = −2.00, Q = 98.00
    #   民主测评 (测评!1527–1537): 领导 88 83 81 → 83.00; 同事 称职 × 7, 基本称职 → keep
    #   six 85 → 85.00; E = r2((33.2 + 25.5) / 0.7) = r2(83.857…) = 83.86
    #   S = r2(0.6 × 60.00 + 0.2 × 98.00 + 0.2 × 83.86) = r2(36 + 19.6 + 16.772) = 72.37
    #   → min(72.37, 60) = 60.00, 不合格
    assert_row(
        individuals["G0128"],
        {
            "department": "规划建设部",
            "role": "部长",
            "points": D("-2.00"),
            "personal_score": D("98.00"),
            "department_score": D("60.00"),
            "evaluation_score": D("83.86"),
            "score": D("60.00"),
            "vetoed": "yes",
            "grade": "不合格",
        },
    )
    # members: false — 副部长 G0129 (人员!130, no events) and 职员 G0139 (人员!140) are not
    # vetoed but carry the capped 60.00:
    #   G0129: P 0, Q 100.00; 测评!1538–1548: 领导 81 78 88 → 81.00; 同事 称职 × 4, 基本称职 × 4
    #          → (3 × 70 + 3 × 85) / 6 = 77.50; E = r2((32.4 + 23.25) / 0.7) = 79.50
    #          S = r2(0.3 × 60 + 0.4 × 100 + 0.3 × 79.50) = r2(18 + 40 + 23.85) = 81.85 → 合格
    #   G0139: 点数!160 A01 +2; 点数!224, 289 A02 2 × 3 = 6; 点数!386 B02 −2 → P = 6.00,
    #          Q = 106.00; 测评!1648–1658: 领导 98 89 88 → 89.00; 同事 称职 × 7, 优秀 → 85.00;
    #          E = r2((35.6 + 25.5) / 0.7) = r2(87.2857…) = 87.29
    #          S = r2(18 + 42.4 + 26.187) = r2(86.587) = 86.59 → 合格
    assert_row(
        individuals["G0129"],
        {"points": D("0.00"), "department_score": D("60.00"), "evaluation_score": D("79.50")}
        | {"score": D("81.85"), "vetoed": "no", "grade": "合格"},
    )
    assert_row(
        individuals["G0139"],
        {"points": D("6.00"), "personal_score": D("106.00"), "department_score": D("60.00")}
        | {"evaluation_score": D("87.29"), "score": D("86.59"), "vetoed": "no", "grade": "合格"},
    )
    staff = [row for row in sheets["individuals"] if row["department"] == "规划建设部"]
    assert len(staff) == 16  # 人员!129–144
    for person in staff:
        assert same(person["department_score"], D("60.00")), person
        assert person["vetoed"] == ("yes" if person["id"] == "G0128" else "no"), person

    # Person veto 否决!3: G0052 (人员!53, 财政金融部 职员 综合保障 6500) 全面从严治党.
    # 财政金融部 is untouched (a person veto never spreads to its department):
    #   指标!14 ZB13 on 增长型: s = 95.93 (test_curve_indicators_by_hand); e = 12.5
    #   指标!15 ZB14 省 24.6/20 = 1.23 → cap 1.2: s = 120.00; e = 12
    #   指标!16 ZB15 市 评分 88.46; e = 10
    #   I = r2((1199.125 + 1440 + 884.6) / 34.5) = r2(3523.725 / 34.5) = r2(102.1369…) = 102.14
    #   市级分工!10 一般公共预算收入 a 1: R 6 → q 80 (default): C = 80.00
    #   共建共评 (测评!3172–3186): 街道 → (88.4 + 89 + 89.5 + 90.8) / 4 = 89.425 → 89.43;
    #   平台公司 → (90.7 + 91.5) / 2 = 91.10; 园区 → (88.3 + 91.3 + 92) / 3 = 90.5333… → 90.53;
    #   E = r2(35.772 + 27.33 + 27.159) = r2(90.261) = 90.26
    #   D = r2(0.5 × 102.14 + 0.3 × 80.00 + 0.2 × 90.26) = r2(51.07 + 24 + 18.052) = 93.12
    #   points 点数!315, 457 B01 → −2.00: D = 91.12, not vetoed.
    # G0052: 点数!241, 432, 446 B01 3 × −1 → P = −3.00, Q = 97.00
    #   测评!624–635: 领导 84 85 89 90 → (85 + 89) / 2 = 87.00; 同事 称职 × 7, 基本称职 → 85.00;
    #   E = r2((34.8 + 25.5) / 0.7) = r2(86.1428…) = 86.14
    #   S = r2(0.3 × 91.12 + 0.4 × 97.00 + 0.3 × 86.14) = r2(27.336 + 38.8 + 25.842) = 91.98
    #   vetoed: min(91.98, 60) = 60.00 → 不合格.
    assert_row(
        departments["财政金融部"],
        {
            "indicator_score": D("102.14"),
            "city_score": D("80.00"),
            "evaluation_score": D("90.26"),
            "points": D("-2.00"),
            "score": D("91.12"),
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
            "department_score": D("91.12"),
            "evaluation_score": D("86.14"),
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


# ------------------------------------------------- 4. two individuals, 民主测评 trimmed


def test_two_individuals_end_to_end(sheets: dict[str, Rows]) -> None:
    # D(招商部) = 110.64 (test_zhaoshang_department_by_hand).
    # G0055 (人员!56) 曾长青, 招商部 部长, 招商, 12000, full quarter — by_role 部长 0.6/0.2/0.2:
    #   点数!4, 10 B01 2 × −1 = −2; 点数!350 A02 +3 → P = 1.00 (within ±20), Q = 101.00
    #   测评!660–670: 领导 89 83 88 → 88.00; 同事 称职 × 7, 基本称职 → drop 70 and one 85 →
    #   85.00; E = r2((0.4 × 88 + 0.3 × 85) / 0.7) = r2(60.7 / 0.7) = r2(86.714…) = 86.71
    #   S = r2(0.6 × 110.64 + 0.2 × 101.00 + 0.2 × 86.71) = r2(66.384 + 20.2 + 17.342)
    #     = r2(103.926) = 103.93
    # G0070 (人员!71) 汪晶晶, 招商部 职员, 招商, 6500, 在岗月数 2 — weights 0.3/0.4/0.3:
    #   点数!9, 120, 374 A02 3 × 3 = 9; 点数!222 A01 +2; 点数!89, 447 B01 2 × −1 = −2
    #   P = 9.00, Q = 109.00
    #   民主测评, trimmed (测评!837–848):
    #   领导 83 80 80 86 → sorted 80 80 83 86, drop 80 and 86 → (80 + 83) / 2 = 81.50
    #   同事 基本称职 × 5, 不称职 (测评!844), 称职 × 2 = 70 70 70 50 70 85 85 70 → sorted
    #        50 70 70 70 70 70 85 85: the lone 不称职 50 and one 85 are dropped →
    #        (5 × 70 + 85) / 6 = 435 / 6 = 72.50 (untrimmed it would be 570 / 8 = 71.25)
    #   no 服务企业 group: E = r2((0.4 × 81.50 + 0.3 × 72.50) / 0.7) = r2(54.35 / 0.7)
    #     = r2(77.6428…) = 77.64
    #   S = r2(0.3 × 110.64 + 0.4 × 109.00 + 0.3 × 77.64) = r2(33.192 + 43.6 + 23.292)
    #     = r2(100.084) = 100.08
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
            "department_score": D("110.64"),
            "evaluation_score": D("86.71"),
            "score": D("103.93"),
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
            "department_score": D("110.64"),
            "evaluation_score": D("77.64"),
            "score": D("100.08"),
            "vetoed": "no",
        },
    )
    assert_groups(
        sheets["evaluation_detail"], "G0070", {"领导": (4, 2, D("81.50")), "同事": (8, 2, D("72.50"))}
    )
    assert_groups(
        sheets["evaluation_detail"], "G0055", {"领导": (3, 2, D("88.00")), "同事": (8, 2, D("85.00"))}
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

    # Rank consistency: competition rank = 1 + number of individuals scoring higher. 招商部
    # is graded 优秀 (test_grade_quotas), so its individuals have floor(30 × 0.3) = 9 places
    # of 优秀: a member is 优秀 iff among the first 9 non-vetoed 招商部 rows in deterministic
    # order (both score ≥ 90), else 良好 (both ≥ 88).
    rows = sheets["individuals"]
    eligible = [row["id"] for row in rows if row["vetoed"] == "no" and row["department"] == "招商部"]
    for person, s in ((a, D("103.93")), (b, D("100.08"))):
        assert person["rank"] == 1 + sum(1 for row in rows if dec(row["score"]) > s)
        top = eligible.index(person["id"]) < 9
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


def roster() -> dict[str, dict[str, Any]]:
    """人员 rows of the input, by 工号 (for 在岗月数 as an exact fraction)."""
    book = openpyxl.load_workbook(SAMPLE, read_only=True)
    try:
        header, *rows = list(book["人员"].iter_rows(values_only=True))
    finally:
        book.close()
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def test_bonus_pool_invariants(sheets: dict[str, Rows]) -> None:
    rows = sheets["bonus"]
    # The bonus population is the 254 individuals (leaders excluded); the pool is paid
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

    # Shares: u = 绩效基数 × post × role × grade factor × 在岗月数 / 3 (exact, 在岗月数 from
    # 人员, blank = 3), b = pool × u / Σu; each bonus is floor(b) or floor(b) + 1, and the
    # +1s are exactly the yuan the floors leave over.
    people = roster()
    u = {
        row["id"]: Fraction(str(row["bonus_base"]))
        * Fraction(str(row["post_coef"]))
        * Fraction(str(row["role_coef"]))
        * Fraction(str(row["grade_factor"]))
        * Fraction(people[row["id"]]["在岗月数"] if people[row["id"]]["在岗月数"] is not None else 3, 3)
        for row in rows
        if row["id"] not in vetoed
    }
    total = sum(u.values())
    floors = {pid: math.floor(POOL * share / total) for pid, share in u.items()}
    paid = {row["id"]: int(dec(row["bonus"])) for row in rows if row["id"] in u}
    assert all(paid[pid] - floors[pid] in (0, 1) for pid in u)
    assert sum(paid[pid] - floors[pid] for pid in u) == POOL - sum(floors.values())


# ------------------------------------------------------------------------- 5. caps


def test_person_and_code_caps(sheets: dict[str, Rows]) -> None:
    # D(招商部) = 110.64.
    # G0077 (人员!78, 招商部 职员): A02 × 8 (点数!8, 23, 51, 215, 264, 298, 450, 451) = 24,
    #   no code cap; B01 点数!182 −1. Net 23 → person cap 20.00; Q = 120.00;
    #   测评!921–932: 领导 85 87 83 80 → (83 + 85) / 2 = 84.00; 同事 基本称职 × 2, 称职 × 6 →
    #   (70 + 5 × 85) / 6 = 82.50; E = r2((33.6 + 24.75) / 0.7) = r2(83.357…) = 83.36
    #   S = r2(0.3 × 110.64 + 0.4 × 120 + 0.3 × 83.36) = r2(33.192 + 48 + 25.008) = 106.20
    # G0059 (人员!60, 招商部 职员): A02 × 7 (点数!57, 194, 203, 223, 237, 349, 496) = 21 is
    #   over 20 on its own, but the cap applies to the net: B01 × 3 (点数!172, 207, 491)
    #   −3 → 18.00 (no cap); Q = 118.00; 测评!705–716: 领导 86 83 89 80 → 84.50; 同事 as G0077
    #   82.50; E = r2((33.8 + 24.75) / 0.7) = r2(83.642…) = 83.64
    #   S = r2(33.192 + 47.2 + 25.092) = r2(105.484) = 105.48
    # G0161 (人员!162, 纪工委 职员): A01 × 5 (点数!30, 263, 340, 397, 485) = 10 → max 6;
    #   B02 点数!243 −2 → 4.00; Q = 104.00 (its score: test_department_linked_quota_cut).
    #   纪工委: B01 × 5 (点数!40, 246, 280, 306, 368) → −5.00.
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
        {"points": D("20.00"), "personal_score": D("120.00"), "evaluation_score": D("83.36")}
        | {"score": D("106.20")},
    )
    assert_row(
        individuals["G0059"],
        {"points": D("18.00"), "personal_score": D("118.00"), "evaluation_score": D("83.64")}
        | {"score": D("105.48")},
    )
    assert_row(individuals["G0161"], {"points": D("4.00"), "personal_score": D("104.00")})


# ------------------------------------------------- quotas tied to the department's grade


def test_department_linked_quota_cut(sheets: dict[str, Rows]) -> None:
    # 纪工委 (部门!10): no indicators; 市级分工!15 营商环境评价 a 0.2, q 88 → C = 88.00.
    #   共建共评 (测评!3262–3269): 街道 82.9 85.3 81.4 86.8 89.6 78.1 → drop 78.1, 89.6 →
    #   (81.4 + 82.9 + 85.3 + 86.8) / 4 = 336.4 / 4 = 84.10; 平台公司 86.6 81.1: 2 raters
    #   < min_raters 3, left out; no 园区 rows. E = 84.10.
    #   D = r2((0.3 × 88.00 + 0.2 × 84.10) / 0.5) = r2(43.22 / 0.5) = 86.44; − 5.00 = 81.44
    #   → 合格 (80 ≤ 81.44 < 88).
    # G0161 (纪工委 职员): Q = 104.00 (test_person_and_code_caps); 测评!1885–1894: 领导 95 95
    #   90 → 95.00; 同事 称职 × 5, 优秀 × 2 → drop one 85 and one 100 → (4 × 85 + 100) / 5
    #   = 88.00; E = r2((38 + 26.4) / 0.7) = r2(92) = 92.00
    #   S = r2(0.3 × 81.44 + 0.4 × 104.00 + 0.3 × 92.00) = r2(24.432 + 41.6 + 27.6) = 93.63
    # 93.63 reaches 优秀, but 纪工委 is graded 合格: its individuals' quota of 优秀 is 0.1,
    # n = 8 (人员!157–164) → floor(0.8) = 0 places → G0161 moves down to 良好 (≥ 88).
    departments = by(sheets["departments"], "department")
    assert_row(
        departments["纪工委"],
        {"indicator_score": None, "city_score": D("88.00"), "evaluation_score": D("84.10")}
        | {"points": D("-5.00"), "score": D("81.44"), "grade": "合格"},
    )
    assert_groups(
        sheets["evaluation_detail"], "纪工委", {"街道": (6, 2, D("84.10")), "平台公司": (2, 0, None)}
    )
    assert_row(
        by(sheets["individuals"], "id")["G0161"],
        {"department_score": D("81.44"), "evaluation_score": D("92.00"), "score": D("93.63")}
        | {"vetoed": "no", "grade": "良好"},
    )
    assert not [r for r in sheets["individuals"] if r["department"] == "纪工委" and r["grade"] == "优秀"]
    assert len([r for r in sheets["individuals"] if r["department"] == "纪工委"]) == 8


# ------------------------------------------------------------------- 6. grade quotas


QUOTA_BY_GRADE = {"优秀": D("0.3"), "良好": D("0.2"), "合格": D("0.1"), "不合格": D(0)}


def band_of(score: D) -> str:
    return "优秀" if score >= 90 else "良好" if score >= 88 else "合格" if score >= 80 else "不合格"


def test_grade_quotas(sheets: dict[str, Rows]) -> None:
    # Departments and leaders: 优秀 quota 0.2, floor, n counts vetoed members too:
    #   departments n = 10: floor(2.0) = 2; leaders n = 7: floor(1.4) = 1.
    # Both are filled by the first rows of their sheet: 招商部 110.64 and 社会事业部 102.17
    # (test_department_veto…); leader G0003 (人员!4, in charge of 招商部 only): M = 110.64;
    # 测评!34–49: 领导 95 94 88 92 98 90 → (90 + 92 + 94 + 95) / 4 = 92.75; 同事 优秀 × 6,
    # 称职 × 4 → drop one 85 and one 100 → (3 × 85 + 5 × 100) / 8 = 94.375 → 94.38;
    # E = r2((37.1 + 28.314) / 0.7) = r2(93.4485…) = 93.45;
    # L = r2(0.4 × 89.04 + 0.4 × 110.64 + 0.2 × 93.45) = r2(35.616 + 44.256 + 18.69)
    # = r2(98.562) = 98.56, + 点数!416 A02 3.00 = 101.56.
    for key, n, quota in (("departments", 10, 2), ("leaders", 7, 1)):
        rows = sheets[key]
        assert len(rows) == n
        assert quota == math.floor(D(n) * D("0.2"))
        excellent = [i for i, row in enumerate(rows) if row["grade"] == "优秀"]
        candidates = [i for i, row in enumerate(rows) if row["vetoed"] == "no" and dec(row["score"]) >= 90]
        assert excellent == candidates[:quota], key
        for i, row in enumerate(rows):
            want = "不合格" if row["vetoed"] == "yes" else band_of(dec(row["score"]))
            if i not in excellent:
                assert row["grade"] == (want if want != "优秀" else "良好"), row
    assert [r["department"] for r in sheets["departments"][:2]] == ["招商部", "社会事业部"]
    assert all(r["grade"] == "优秀" for r in sheets["departments"][:2])
    assert_row(
        by(sheets["leaders"], "id")["G0003"],
        {"departments_mean": D("110.64"), "evaluation_score": D("93.45"), "points": D("3.00")}
        | {"score": D("101.56"), "grade": "优秀"},
    )

    # Individuals: per department, n_d = its individuals (vetoed included), places of 优秀
    # = floor(n_d × quota_by_department_grade[the department's grade]); they go to the
    # first non-vetoed rows of the department scoring ≥ 90 in deterministic order; the
    # others get the band their score reaches below 优秀 (vetoed rows 不合格).
    grades = {r["department"]: r["grade"] for r in sheets["departments"]}
    individuals = sheets["individuals"]
    for dept, grade in grades.items():
        rows = [r for r in individuals if r["department"] == dept]
        places = math.floor(len(rows) * QUOTA_BY_GRADE[grade])
        candidates = [r["id"] for r in rows if r["vetoed"] == "no" and dec(r["score"]) >= 90]
        excellent = [r["id"] for r in rows if r["grade"] == "优秀"]
        assert excellent == candidates[:places], dept
        for r in rows:
            if r["id"] not in excellent:
                want = "不合格" if r["vetoed"] == "yes" else band_of(dec(r["score"]))
                assert r["grade"] == (want if want != "优秀" else "良好"), r
    # 招商部 优秀 → floor(30 × 0.3) = 9; 网格服务中心 良好 → floor(98 × 0.2) = 19;
    # 纪工委 合格 → floor(8 × 0.1) = 0; 规划建设部 (vetoed, 不合格) → 0.
    counts = {d: sum(1 for r in individuals if r["department"] == d and r["grade"] == "优秀") for d in grades}
    assert (counts["招商部"], counts["网格服务中心"], counts["纪工委"], counts["规划建设部"]) == (9, 19, 0, 0)
    # Not everyone is 良好: the distribution has every grade.
    assert {r["grade"] for r in individuals} == {"优秀", "良好", "合格", "不合格"}


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
