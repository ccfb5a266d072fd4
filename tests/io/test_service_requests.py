"""Sheet 企业诉求 / service_requests: read like every other sheet, checked all at once (method §6.0)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from kpi.errors import InputError
from kpi.io.workbook import read_workbook
from kpi.periods import Period
from kpi.rules.schema import Rules

from .conftest import CORPUS, TESTS, Sheets, load_test_rules

D = date
Write = Callable[..., Path]
SERVICE_RULES = TESTS / "bad_inputs" / "rules_service.yaml"


@pytest.fixture(scope="module")
def service_rules() -> Rules:
    return load_test_rules(SERVICE_RULES)


def with_requests(sheets: Sheets, rows: list[list[object]] | None = None, name: str = "企业诉求") -> Sheets:
    data = copy.deepcopy(sheets)
    data[name] = copy.deepcopy(CORPUS.SERVICE_REQUESTS if rows is None else rows)
    return data


def problems(path: Path, rules: Rules, period: Period) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_workbook(path, rules, period)
    return [str(p).split(":", 1)[1] for p in caught.value.problems]


def test_requests_are_read_typed_and_not_limited_to_the_period(
    sheets: Sheets, write: Write, service_rules: Rules, period: Period
) -> None:
    inputs = read_workbook(write(with_requests(sheets)), service_rules, period)
    frame = inputs.service_requests
    assert list(frame.columns) == [
        "id",
        "company",
        "handler",
        "kind",
        "received",
        "responded",
        "resolved",
        "row",
    ]
    assert frame.to_dict("records")[1] == {
        "id": "FW002",
        "company": "青岛啤酒",
        "handler": "E06",
        "kind": "特殊",
        "received": D(2024, 8, 1),
        "responded": None,
        "resolved": D(2024, 8, 9),
        "row": 3,
    }
    assert frame.iloc[2]["received"] == D(2024, 6, 27)  # last quarter: allowed
    assert frame.iloc[2]["handler"] == "L02"  # a leader may handle requests
    assert inputs.warnings == []


def test_forgiving_like_the_other_sheets(
    sheets: Sheets, write: Write, service_rules: Rules, period: Period
) -> None:
    rows: list[list[object]] = [
        ["2024年第三季度企业诉求登记表"],  # a title above the header
        ["ID", " Company ", "ｈａｎｄｌｅｒ", "Kind", "Received", "Responded", "Resolved", "备注"],
        [1001, "海尔", "E06", "一般", "2024/7/5", "2024年7月8日", datetime(2024, 7, 12, 16, 30), "x"],
        [None, None, None, None, None, None, None, None],  # a blank row is skipped
        ["1002", "海信", "E05", "特殊", "2024.7.5", None, None, None],
    ]
    inputs = read_workbook(write(with_requests(sheets, rows, "Service_Requests")), service_rules, period)
    frame = inputs.service_requests
    assert list(frame["id"]) == ["1001", "1002"]  # a numeric 编号 is the text 1001, never 1001.0
    assert list(frame["received"]) == [D(2024, 7, 5), D(2024, 7, 5)]
    assert list(frame["responded"]) == [D(2024, 7, 8), None]
    assert list(frame["resolved"]) == [D(2024, 7, 12), None]  # a date-time keeps its date
    assert list(frame["row"]) == [3, 5]
    assert inputs.sheets["service_requests"] == "Service_Requests"


def test_absent_or_empty_sheet_means_no_requests(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    assert read_workbook(write(sheets), rules, period).service_requests.empty
    header_only = with_requests(sheets, [CORPUS.SERVICE_REQUESTS[0]])
    # No rows: rules without service are fine.
    assert read_workbook(write(header_only, "empty.xlsx"), rules, period).service_requests.empty


def test_every_problem_is_reported_at_once_in_order(
    sheets: Sheets, write: Write, service_rules: Rules, period: Period
) -> None:
    rows = copy.deepcopy(CORPUS.SERVICE_REQUESTS)
    rows[1][2] = "E6"  # C2: unknown 负责人
    rows[2][3] = "加急"  # D3: unknown 类别
    rows[2][6] = D(2024, 7, 31)  # G3: settled before received (1 Aug)
    rows[3][0] = "FW001"  # A4: repeated 编号
    rows.append(["FW004", None, "E05", "一般", "下周", None, None])  # B5 blank, E5 unreadable
    found = problems(write(with_requests(sheets, rows)), service_rules, period)
    cells = [p.split(":", 1)[0] for p in found]
    assert cells == ["企业诉求!C2", "企业诉求!D3", "企业诉求!G3", "企业诉求!A4", "企业诉求!B5", "企业诉求!E5"]


def test_request_rows_need_a_service_section(
    sheets: Sheets, write: Write, rules: Rules, period: Period
) -> None:
    [found] = problems(write(with_requests(sheets)), rules, period)
    assert found.startswith("企业诉求!2:2: sheet 企业诉求 lists 3 service request(s)")
    assert "no service section" in found


def _statutory(tmp_path: Path) -> Rules:
    text = SERVICE_RULES.read_text(encoding="utf-8").replace("statutory: false", "statutory: true")
    path = tmp_path / "statutory.yaml"
    path.write_text(text, encoding="utf-8")
    return load_test_rules(path)


def test_statutory_deadlines_must_stay_inside_the_table(sheets: Sheets, write: Write, tmp_path: Path) -> None:
    # Period 2026Q4, the table's last quarter (2004–2026). Without the 2024 event sheets.
    data = {k: v for k, v in sheets.items() if k not in ("点数", "否决")}
    rows = [
        CORPUS.SERVICE_REQUESTS[0],
        # Thu 10 Dec 2026: r = Fri 11 Dec, c = Thu 17 Dec: inside the table. Fine.
        ["A1", "海尔", "E06", "一般", D(2026, 12, 10), None, None],
        # Tue 29 Dec 2026: r = Wed 30 Dec (in 2026Q4), c needs days of 2027: refused.
        ["A2", "海信", "E06", "一般", D(2026, 12, 29), None, None],
        # Thu 31 Dec 2026: r and c both in 2027, outside the period: nothing to publish. Fine.
        ["A3", "澳柯玛", "E06", "一般", D(2026, 12, 31), None, None],
        # 2 June 2003: before the table's first year: refused.
        ["A4", "双星", "E06", "一般", D(2003, 6, 2), None, None],
    ]
    found = problems(write(with_requests(data, rows)), _statutory(tmp_path), Period.parse("2026Q4"))
    assert len(found) == 2, found
    assert found[0].startswith("企业诉求!E3: 受理日期 2026-12-29: this request's 办结时限")
    assert "runs into 2027" in found[0] and "2004–2026" in found[0]
    assert found[1].startswith("企业诉求!E5: 受理日期 2003-06-02") and "starts in 2004" in found[1]
