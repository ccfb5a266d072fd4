"""``score --format csv|json``: the results tables read back, with English names and the
published decimals as text; written like the workbook (never over a file without --force)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from support.worked import Worked

from kpi import api
from kpi.engine.results import Results
from kpi.errors import OutputError
from kpi.periods import Period
from kpi.report.export import published_text, save_results
from kpi.report.tables import SHEET_TITLES

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def results(worked: Worked) -> Results:
    return api.run(worked.input, worked.rules, Period.parse("2024Q3"))


def read_csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(BOM), path
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    return list(csv.DictReader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


def test_csv_one_file_per_sheet_with_english_headers(results: Results, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    save_results(results, out, "csv")
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        f"{en}.csv"
        for key, (_, en) in SHEET_TITLES.items()
        if key not in ("service_detail", "evaluation_detail")  # the worked quarter has neither
    )
    individuals = {row["id"]: row for row in read_csv(out / "individuals.csv")}
    assert list(individuals["E02"]) == [
        "id",
        "name",
        "department",
        "post_category",
        "role",
        "points",
        "personal_score",
        "department_score",
        "score",
        "vetoed",
        "rank",
        "grade",
    ]
    assert individuals["E02"]["score"] == "102.80"  # two decimals, kept as written
    assert individuals["E01"]["points"] == "9.00"
    assert individuals["E02"]["name"] == "刘芳" and individuals["E02"]["vetoed"] == "否"
    bonus = {row["id"]: row for row in read_csv(out / "bonus.csv")}
    assert bonus["E01"]["total"] == "33581" and bonus["E03"]["months_factor"] == "0.6667"
    assert bonus["E01"]["post_coef"] == "1.3"
    indicators = {row["id"]: row for row in read_csv(out / "indicator_detail.csv")}
    assert indicators["ZB01"]["deadline"] == "2024-09-30"  # dates ISO
    assert indicators["ZB03"]["target"] == ""  # blank
    info = {row["key"]: row["value"] for row in read_csv(out / "run_info.csv")}
    assert info["period"] == "2024Q3" and info["tool_version"].startswith("kpi ")  # English keys


def test_csv_with_lang_en_has_english_flags(results: Results, tmp_path: Path) -> None:
    save_results(results, tmp_path / "csv", "csv", lang="en")
    departments = {row["department"]: row for row in read_csv(tmp_path / "csv" / "departments.csv")}
    assert departments["综合部"]["vetoed"] == "yes" and departments["招商部"]["vetoed"] == "no"


def test_json_document(results: Results, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    save_results(results, out, "json")
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["period"] == "2024Q3"
    assert document["rules"]["version"] == "2024.1" and len(document["rules"]["sha256"]) == 64
    assert document["input"]["sha256"] == results.inputs.sha256
    assert list(document["sheets"]) == [
        "individuals",
        "departments",
        "leaders",
        "bonus",
        "points_ledger",
        "indicator_detail",
        "run_info",
    ]
    individuals = document["sheets"]["individuals"]
    assert individuals["columns"][:2] == ["id", "name"]
    rows = {row[0]: dict(zip(individuals["columns"], row, strict=True)) for row in individuals["rows"]}
    assert rows["E02"]["score"] == "102.80" and rows["E02"]["rank"] == "2"
    departments = document["sheets"]["departments"]
    zone = {row[0]: dict(zip(departments["columns"], row, strict=True)) for row in departments["rows"]}
    assert zone["综合部"]["indicator_score"] == "102.03" and zone["综合部"]["score"] == "60.00"
    indicators = document["sheets"]["indicator_detail"]
    blank = dict(zip(indicators["columns"], indicators["rows"][2], strict=True))
    assert blank["id"] == "ZB03" and blank["target"] is None  # a blank is null


def test_existing_files_need_force(results: Results, tmp_path: Path) -> None:
    save_results(results, tmp_path / "r.json", "json")
    save_results(results, tmp_path / "csv", "csv")
    with pytest.raises(OutputError, match="already exists"):
        save_results(results, tmp_path / "r.json", "json")
    with pytest.raises(OutputError, match="already exists") as caught:
        save_results(results, tmp_path / "csv", "csv")
    assert caught.value.problems[0].location.file.endswith("individuals.csv")
    save_results(results, tmp_path / "r.json", "json", force=True)
    save_results(results, tmp_path / "csv", "csv", force=True)
    assert not [p for p in tmp_path.rglob(".*.tmp")]  # no temporary file left behind


def test_refused_targets(results: Results, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"must end in \.json"):
        save_results(results, tmp_path / "r.xlsx", "json")
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(OutputError, match="give a folder for --out"):
        save_results(results, a_file, "csv")
    with pytest.raises(OutputError, match="does not exist"):
        save_results(results, tmp_path / "no" / "csv", "csv")
    with pytest.raises(OutputError, match="over the input"):
        save_results(results, Path(results.rules_file.path), "json", force=True)


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (Decimal("102.8"), "score", "102.80"),
        (Decimal("-0.125"), "points", "-0.13"),  # half away from zero
        (Decimal("32681"), "money", "32681"),
        (Decimal("0.66666666"), "factor4", "0.6667"),
        (Decimal("1.30"), "coef", "1.3"),
        (Decimal("0.855050"), "ratio", "0.85505"),
        (3, "int", "3"),
        (date(2024, 9, 30), "date", "2024-09-30"),
        ("是", "flag", "是"),
        (None, "score", None),
    ],
)
def test_published_text(value: object, kind: str, text: str | None) -> None:
    assert published_text(value, kind) == text
