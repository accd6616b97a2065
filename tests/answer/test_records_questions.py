"""Record questions over a small invented Award Summaries download, through the real index and answerer:
names matched from what the table holds, one computation citation with its SQL, USAspending's dates,
and refusals where no column holds what is asked. Expected figures are computed from the rows."""
from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from dossier.eval.numbers import numbers_match

HEADER = ["contract_award_unique_key", "award_id_piid", "recipient_name", "awarding_agency_name",
          "awarding_sub_agency_name", "awarding_office_name", "award_base_action_date", "award_latest_action_date",
          "period_of_performance_start_date", "period_of_performance_current_end_date", "total_obligated_amount",
          "potential_total_value_of_award", "prime_award_base_transaction_description",
          "product_or_service_code_description", "recipient_state_name", "recipient_city_name"]
DHS = "Department of Homeland Security"
ICE = "U.S. Immigration and Customs Enforcement"
ROWS = [
    ["K1", "P1", "COUNTY OF MAPLE RIDGE", DHS, ICE, "ERO SEATTLE", "2018-03-05", "2021-01-10", "2018-03-05", "2019-03-04",
     "12000.50", "15000", "FIRING RANGE RENTAL FOR ERO AGENTS", "LEASE/RENTAL OF RECREATION FACILITIES", "WASHINGTON",
     "MAPLE RIDGE"],
    ["K2", "P2", "COUNTY OF MAPLE RIDGE", DHS, ICE, "ERO SEATTLE", "2019-06-01", "2019-06-01", "2019-06-01", "2020-05-31",
     "8000", "8000", "DETENTION BED SPACE", "HOUSEKEEPING- GUARD", "WASHINGTON", "MAPLE RIDGE"],
    ["K3", "P3", "MAPLE RIDGE HOUSING AUTHORITY", DHS, "U.S. Coast Guard", "BASE SEATTLE", "2020-02-02", "2020-02-02",
     "2020-02-02", "2021-02-01", "4500.25", "4500.25", "FAMILY HOUSING LEASE", "LEASE OF HOUSING", "OREGON", "SALEM"],
    ["K4", "P4", "CITY OF BRIGHTWATER", DHS, "U.S. Customs and Border Protection", "BORDER ENFORCEMENT CTR DIV",
     "2019-09-09", "2019-09-09", "2019-09-09", "2020-09-08", "30000", "45000", "NARCOTICS DESTRUCTION SERVICES",
     "INCINERATION SERVICES", "CALIFORNIA", "BRIGHTWATER"],
    ["K5", "P5", "BRIGHTWATER REGIONAL WATER DISTRICT BOARD OF DIRECTORS", DHS, "U.S. Coast Guard", "BASE ALAMEDA",
     "2017-01-01", "2017-01-01", "2017-01-01", "2017-12-31", "0", "0", "WATER SERVICE FOR STATION", "UTILITIES",
     "CALIFORNIA", "BRIGHTWATER"],
    ["K6", "P6", "CITY OF BRIGHTWATER", DHS, ICE, "ERO SAN FRANCISCO", "2017-05-05", "2017-05-05", "2017-05-05",
     "2017-06-05", "2500", "2500", "FIRING RANGE USE", "LEASE/RENTAL OF RECREATION FACILITIES", "CALIFORNIA",
     "BRIGHTWATER"],
]


def _amount(key: str) -> float:
    return next(float(r[10]) for r in ROWS if r[0] == key)


@pytest.fixture(scope="module")
def records_dossier(tmp_path_factory):
    from dossier.answer import Dossier
    from dossier.core.settings import load_settings

    folder = tmp_path_factory.mktemp("awards")
    with (folder / "awards.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    settings = load_settings({"index": folder / "index", "profile": "test"}, environ={})
    dossier = Dossier(settings)
    assert not dossier.add([folder / "awards.csv"]).rejected
    return dossier


def _cited(answer) -> set[str]:
    return {r for c in answer.citations for r in c.record_ids}


def test_a_total_cites_every_record_it_sums_through_one_computation(records_dossier) -> None:
    answer = records_dossier.ask("Sum up the obligations ICE made to Maple Ridge County.")
    assert not answer.abstained, answer.answer
    assert numbers_match(f"{_amount('K1') + _amount('K2'):,.2f}", answer.answer), answer.answer
    assert len(answer.citations) == 1 and _cited(answer) == {"K1", "K2"}
    # The plan and the SQL travel with the answer, and the SQL re-runs to the same figure.
    assert answer.query["plan"]["aggregate"] == "total"
    db = duckdb.connect(str(records_dossier.settings.index / "records.duckdb"), read_only=True)
    count, total, _ = db.execute(answer.query["sql"]).fetchone()
    db.close()
    assert (count, total) == (2, pytest.approx(_amount("K1") + _amount("K2")))


def test_names_are_matched_from_the_table_by_part_initials_and_kind(records_dossier) -> None:
    partial = records_dossier.ask("Which payments went from the Coast Guard to the Brightwater water district?")
    assert not partial.abstained and _cited(partial) == {"K5"}, partial.answer
    initials = records_dossier.ask("How much did CBP obligate to the City of Brightwater?")
    assert _cited(initials) == {"K4"} and numbers_match("30,000", initials.answer), initials.answer
    french = records_dossier.ask("Au total, combien ICE a-t-il engagé pour le comté de Maple Ridge ?")
    assert _cited(french) == {"K1", "K2"} and french.language == "fr", french.answer
    state = records_dossier.ask("What number of ICE awards have California recipients?")
    assert _cited(state) == {"K6"} and numbers_match("1", state.answer.split(" ")[0]), state.answer


def test_usaspending_dates_are_named_and_the_asked_one_is_given(records_dossier) -> None:
    ends = records_dossier.ask("When does the performance period of Maple Ridge County's detention award end?")
    assert not ends.abstained and "May 31, 2020" in ends.answer and "performance ends" in ends.answer, ends.answer
    awarded = records_dossier.ask("Which ICE awards were made in 2017?")
    assert _cited(awarded) == {"K6"} and "awarded on May 5, 2017" in awarded.answer, awarded.answer


def test_extremes_and_differences_are_computed(records_dossier) -> None:
    largest = records_dossier.ask("Which single award in the records is the largest?")
    assert "BRIGHTWATER" in largest.answer and numbers_match("30,000", largest.answer), largest.answer
    gap = records_dossier.ask("By how much do ICE's obligations to Maple Ridge County exceed those to the City of Brightwater?")
    expected = _amount("K1") + _amount("K2") - _amount("K6")
    assert numbers_match(f"{expected:,.2f}", gap.answer), gap.answer
    assert _cited(gap) == {"K1", "K2", "K6"}


@pytest.mark.parametrize("question", [
    "Which contracting officer signed Maple Ridge County's detention award?",
    "How many detainees did Maple Ridge County hold for ICE?",
    "Why did ICE stop renting the Maple Ridge firing range?",
    "What did ICE pay the City of Oakvale?",
    "How much did ICE pay Maple Ridge County for swimming pool access?",
])
def test_what_no_column_holds_is_refused_with_a_reason(records_dossier, question: str) -> None:
    answer = records_dossier.ask(question)
    assert answer.abstained and not answer.citations, answer.answer
    assert "(" in answer.answer, answer.answer  # the reason is said


def test_the_cli_shows_a_computation_with_its_records_and_sql(tmp_path) -> None:
    import subprocess
    import sys

    awards = tmp_path / "awards.csv"
    with awards.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    base = [sys.executable, "-m", "dossier.cli"]
    common = ["--index", str(tmp_path / "index"), "--profile", "test"]
    ingest = subprocess.run([*base, "ingest", str(awards), *common], capture_output=True, text=True, timeout=300)
    assert ingest.returncode == 0, ingest.stderr
    asked = subprocess.run([*base, "ask", "Sum up the obligations ICE made to Maple Ridge County.", *common],
                           capture_output=True, text=True, timeout=300)
    assert asked.returncode == 0, asked.stderr
    assert "records: K1, K2" in asked.stdout or "records: K2, K1" in asked.stdout, asked.stdout
    assert "SQL: WITH matched AS" in asked.stdout, asked.stdout
