"""Procurement CSVs: the demo table, real USAspending downloads, transaction and spreadsheet shapes."""
from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from dossier.ingest import load_document
from dossier.core.dates import parse_date
from dossier.ingest.procurement import parse_amount


def test_demo_csv(corpus: Path) -> None:
    doc = load_document(corpus / "procurement" / "ice_awards_as_reported.csv")
    assert doc.kind == "records" and doc.text == "" and doc.language == "en"
    assert doc.title == "Ice awards as reported"
    assert doc.source_path == "ice_awards_as_reported.csv"
    by_id = {record.record_id: record for record in doc.records}
    assert list(by_id) == [f"R{n:02d}" for n in range(1, 11)]
    r01, r02, r08 = by_id["R01"], by_id["R02"], by_id["R08"]
    assert (r01.recipient, r01.amount, r01.amount_field) == ("Clearview AI", 3_750_000, "federal_action_obligation")
    assert (r01.action_date, r01.date_precision) == ("2025-09", "month")
    assert (r02.action_date, r02.date_precision) == ("2024", "year")
    assert (r08.action_date, r08.date_precision) == (None, None)
    assert r01.source_document == "ice-surveillance-arsenal.fr.txt"  # from the source_document column
    assert by_id["R09"].source_document == "ice-zignal-social-media.fr.txt"
    assert by_id["R09"].extra == {"period_of_performance": "five years"}
    assert r01.office == "Homeland Security Investigations" and by_id["R02"].office is None
    assert r01.product_or_service == "Facial recognition software"
    assert by_id["R10"].recipient == "SOS International LLC"
    assert math.isclose(sum(record.amount for record in doc.records), 76_550_000)


@pytest.mark.parametrize("name", ["us-local-gov-ice-award-summaries.csv", "ca-local-gov-dhs-award-summaries.csv"])
def test_real_usaspending_award_summaries(usaspending: Path, name: str) -> None:
    path = usaspending / name
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.DictReader(handle) if any(value.strip() for value in row.values())]
    doc = load_document(path)

    assert len(doc.records) == len(rows)
    assert {record.amount_kind for record in doc.records} == {"award_total"}
    assert {record.amount_field for record in doc.records} == {"total_obligated_amount"}
    expected_total = sum(float(row["total_obligated_amount"]) for row in rows if row["total_obligated_amount"])
    assert math.isclose(sum(record.amount or 0 for record in doc.records), expected_total, abs_tol=0.005)

    first, record = rows[0], doc.records[0]
    assert record.record_id == first["contract_award_unique_key"]  # one row per award: the award key
    assert record.award_key == first["contract_award_unique_key"]
    assert record.recipient == first["recipient_name"]
    assert record.piid == first["award_id_piid"]
    assert record.permalink == first["usaspending_permalink"]
    assert record.action_date == first["award_base_action_date"] and record.date_precision == "day"  # awarded on
    assert record.extra["award_latest_action_date"] == first["award_latest_action_date"]  # last modified, kept
    assert record.description == first["prime_award_base_transaction_description"]
    assert record.product_or_service == first["product_or_service_code_description"]
    assert record.source_document == name
    assert record.extra["recipient_uei"] == first["recipient_uei"]  # unknown columns kept as metadata
    assert record.row_number == 2
    assert len({r.record_id for r in doc.records}) == len(doc.records)


def test_transactions_use_per_row_obligations(fixtures: Path) -> None:
    path = fixtures / "transactions_small.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    doc = load_document(path)
    records = doc.records

    assert len(records) == len(rows) == 8
    assert [r.amount for r in records] == [float(row["federal_action_obligation"]) for row in rows]
    assert {r.amount_kind for r in records} == {"transaction"}
    assert {r.amount_field for r in records} == {"federal_action_obligation"}
    assert records[2].amount == -12500.50  # de-obligation kept negative
    # The award total repeated on every row stays metadata and is never the amount.
    assert records[0].extra["total_dollars_obligated"] == "287499.50"
    per_award: dict[str, float] = {}
    for record in records:
        per_award[record.award_key] = per_award.get(record.award_key, 0.0) + record.amount
    for record in records:
        assert math.isclose(per_award[record.award_key], float(record.extra["total_dollars_obligated"]))

    assert records[2].record_id == "CONT_AWD_70CMSD25P00000101_7012_-NONE-_-NONE-/P00002"
    assert records[2].modification == "P00002" and records[2].piid == "70CMSD25P00000101"
    assert records[0].extra["newsroom_note"] == "base award"  # unknown columns kept
    assert "naics_description" not in records[0].extra  # empty cells are not kept
    # A quoted newline inside a description: the next row starts two lines later.
    assert records[3].description == "DETENTION BED SPACE\nINTERGOVERNMENTAL SERVICE AGREEMENT"
    assert [r.row_number for r in records[3:5]] == [5, 7]
    assert doc.metadata["delimiter"] == "," and doc.metadata["amount_column"] == "federal_action_obligation"


def test_spreadsheet_dates_and_amounts(fixtures: Path) -> None:
    records = load_document(fixtures / "spreadsheet_transactions.csv").records
    assert [(r.action_date, r.date_precision) for r in records] == [
        ("2025-01-15", "day"),
        ("2025-04-02", "day"),
        ("2025-09-30", "day"),
        ("2021-05-31", "day"),
    ]
    assert [r.amount for r in records] == [250_000, 50_000, -12_500.50, 75_000]


def test_semicolon_csv(fixtures: Path) -> None:
    doc = load_document(fixtures / "semicolon.csv")
    assert doc.metadata["delimiter"] == ";"
    first, second = doc.records
    assert (first.recipient, first.amount, first.amount_kind) == ("Atelier Dupuis SARL", 1250.50, None)
    assert first.description == "Maintenance de caméras; contrat annuel"
    assert (first.record_id, second.record_id) == ("row-2", "row-3")
    assert first.source_document == "semicolon.csv"


def test_bom_crlf_blank_rows_bad_dates_and_duplicate_ids(tmp_path: Path) -> None:
    path = tmp_path / "awards.csv"
    text = (
        "Record_ID,Vendor,Total_Obligated_Amount,Action_Date,Notes\r\n"
        "A1,Acme,\"$1,234.56\",2025-09-30 00:00:00,\r\n"
        ",,,,\r\n"
        "\r\n"
        "A1,Beta,(500.00),sometime in spring,late\r\n"
        "A3,Gamma,,,\r\n"
    )
    path.write_bytes(text.encode("utf-8-sig"))
    records = load_document(path).records
    assert [r.record_id for r in records] == ["A1", "A1#2", "A3"]  # unique within the file
    assert [r.row_number for r in records] == [2, 5, 6]  # blank rows skipped, lines still counted
    assert [r.amount for r in records] == [1234.56, -500.0, None]
    assert records[0].amount_kind == "award_total" and records[2].amount_kind is None
    assert (records[0].action_date, records[0].date_precision) == ("2025-09-30", "day")
    assert records[1].action_date is None and records[1].extra["Action_Date"] == "sometime in spring"
    assert records[1].extra["Notes"] == "late"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-09-30", ("2025-09-30", "day")),
        ("2025-09", ("2025-09", "month")),
        ("2025", ("2025", "year")),
        ("2025-09-30 00:00:00", ("2025-09-30", "day")),
        ("2025-09-30T14:05:00Z", ("2025-09-30", "day")),
        ("5/31/21 0:00", ("2021-05-31", "day")),
        ("5/31/2021", ("2021-05-31", "day")),
        ("12/01/2024 11:30:00 PM", ("2024-12-01", "day")),
        ("2025-02-30", None),
        ("2025-13", None),
        ("31/5/2021", None),
        ("next week", None),
    ],
)
def test_parse_date(raw: str, expected: tuple[str, str] | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3750000", 3_750_000),
        ("-12500.50", -12_500.50),
        ("$1,234.56", 1234.56),
        ("(1,234.56)", -1234.56),
        (" 0.00 ", 0.0),
        ("", None),
    ],
)
def test_parse_amount(raw: str, expected: float | None) -> None:
    assert parse_amount(raw) == expected


@pytest.mark.parametrize("raw", ["about 2k", "3,7500", "1,2,3", "N/A", "(-5)", "1e309", "-1e400"])
def test_parse_amount_refuses_to_guess(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(raw)


def test_a_repeated_award_key_is_kept_and_reported(tmp_path: Path) -> None:
    from dossier.ingest import IngestLimits, load_document

    path = tmp_path / "awards.csv"
    path.write_text("contract_award_unique_key,recipient_name,total_obligated_amount\n"
                    "K1,TOWN OF A,100\nK2,TOWN OF B,200\nK1,TOWN OF A,100\n", encoding="utf-8")
    document = load_document(path, IngestLimits())
    assert len(document.records) == 3
    assert document.metadata["repeated_award_rows"] == [4]  # the header is line 1


def test_a_csv_is_streamed_its_encoding_settled_over_all_its_bytes(tmp_path: Path) -> None:
    """Read in blocks, a Windows-1252 export whose first accented name comes after the first MiB is still
    read as what it is; its rows come in batches, and its id is the hash of its bytes."""
    from dossier.ingest import IngestLimits, content_hash, open_records

    path = tmp_path / "late-accent.csv"
    lines = ["recipient_name,total_obligated_amount"] + [f"TOWN OF PLAIN {n},{n}.50" for n in range(1, 60_001)]
    lines.append("CITÉ DE MONTRÉAL,99.00")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    assert path.stat().st_size > 1 << 20

    reader = open_records(path, IngestLimits(max_file_bytes=1_000))  # an article's cap does not apply
    sizes, last = [], None
    for batch in reader.batches(25_000):
        sizes.append(len(batch))
        last = batch[-1]
    assert sizes == [25_000, 25_000, 10_001]
    assert (last.recipient, last.amount, last.row_number) == ("CITÉ DE MONTRÉAL", 99.0, 60_002)
    assert reader.document.id == content_hash(path.read_bytes())[:16]
    assert reader.metadata["rows"] == 60_001 and reader.metadata["encoding"] != "utf-8"  # a code page that reads É
