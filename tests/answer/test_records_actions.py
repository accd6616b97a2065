"""Questions about the actions on an award, through the real index and answerer: a real ingest of a
small "Prime Award Transactions" fixture (USAspending's column names), answered over the modifications
table by action date and federal action obligation, and refused over Award Summaries alone. Expected
figures are computed from the fixture file in the test."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dossier.eval.numbers import numbers_match

REPO = Path(__file__).resolve().parents[2]
TRANSACTIONS = REPO / "tests" / "fixtures" / "ingest" / "transactions_small.csv"
SUMMARIES = REPO.parent / "shared" / "samples" / "usaspending" / "us-local-gov-ice-award-summaries.csv"


def _rows() -> list[dict[str, str]]:
    with TRANSACTIONS.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _record_id(row: dict[str, str]) -> str:
    """How a transaction is named: its award key and modification number (the eval's convention)."""
    return f"{row['contract_award_unique_key']}/{row['modification_number']}"


def _of(recipient_start: str) -> list[dict[str, str]]:
    return [r for r in _rows() if r["recipient_name"].startswith(recipient_start)]


def _cited(answer) -> set[str]:
    return {r for c in answer.citations for r in c.record_ids}


def _dossier(folder: Path, files: list[Path]):
    from dossier.answer import Dossier
    from dossier.core.settings import load_settings

    dossier = Dossier(load_settings({"index": folder / "index", "profile": "test"}, environ={}))
    assert not dossier.add(files).rejected
    return dossier


@pytest.fixture(scope="module")
def transactions(tmp_path_factory):
    return _dossier(tmp_path_factory.mktemp("transactions"), [TRANSACTIONS])


def test_an_awards_actions_are_counted_and_the_latest_dated(transactions) -> None:
    theirs = _of("NORTHWIND")
    latest = max(r["action_date"] for r in theirs)
    answer = transactions.ask("How many modifications has Northwind Analytics' contract had, and when was the latest one?")
    assert not answer.abstained, answer.answer
    assert answer.answer.startswith(f"{len(theirs)} actions"), answer.answer
    assert latest[:4] in answer.answer and "action date" in answer.answer, answer.answer
    assert len(answer.citations) == 1 and _cited(answer) == {_record_id(r) for r in theirs}
    plan = answer.query["plan"]
    assert (plan["table"], plan["date_field"], plan["amount_field"]) == (
        "modifications", "action_date", "federal_action_obligation")


def test_money_in_a_year_is_summed_by_action_date_not_award_date(transactions) -> None:
    """Blue Heron's award was made in one year and de-obligated in the next: the later year's actions are
    what the question asks for, a figure the award's own total (by award date) cannot give."""
    theirs = _of("BLUE HERON")
    year = max(r["action_date"][:4] for r in theirs)
    assert min(r["action_date"][:4] for r in theirs) != year  # the fixture's award spans two years
    in_year = [r for r in theirs if r["action_date"].startswith(year)]
    expected = sum(float(r["federal_action_obligation"]) for r in in_year)
    answer = transactions.ask(f"What did ICE obligate to Blue Heron Data Systems in {year}?")
    assert not answer.abstained, answer.answer
    assert numbers_match(f"{expected:,.2f}", answer.answer.split(" across ")[0]), answer.answer
    assert "by action date" in answer.answer and "federal action obligation" in answer.answer, answer.answer
    assert _cited(answer) == {_record_id(r) for r in in_year}


def test_two_years_of_actions_are_set_against_each_other(transactions) -> None:
    years = sorted({r["action_date"][:4] for r in _rows()})[-2:]
    totals = {y: sum(float(r["federal_action_obligation"]) for r in _rows() if r["action_date"].startswith(y))
              for y in years}
    answer = transactions.ask(
        f"What is the difference between the obligations of ICE actions in {years[1]} and in {years[0]}?")
    assert not answer.abstained, answer.answer
    for year, total in totals.items():  # each side is named by its year, with its own sum
        assert numbers_match(f"{total:,.2f}", answer.answer.split(f"{year}: ")[1].split(" ")[0]), answer.answer
    assert numbers_match(f"{abs(totals[years[1]] - totals[years[0]]):,.2f}", answer.answer.split("difference: ")[1])


def test_de_obligations_are_listed_and_the_largest_found(transactions) -> None:
    negative = [r for r in _rows() if float(r["federal_action_obligation"]) < 0]
    listed = transactions.ask("Which de-obligations does the transactions file show, with dates and amounts?")
    assert not listed.abstained and _cited(listed) == {_record_id(r) for r in negative}, listed.answer
    for row in negative:
        assert numbers_match(f"{float(row['federal_action_obligation']):,.2f}", listed.answer), listed.answer
    deepest = min(negative, key=lambda r: float(r["federal_action_obligation"]))
    largest = transactions.ask("What was the largest de-obligation, and on what date?")
    assert _cited(largest) == {_record_id(deepest)}, largest.answer
    assert numbers_match(f"{float(deepest['federal_action_obligation']):,.2f}", largest.answer), largest.answer


def test_the_largest_single_action_in_french(transactions) -> None:
    theirs = _of("HARBOR COUNTY")
    biggest = max(theirs, key=lambda r: float(r["federal_action_obligation"]))
    answer = transactions.ask("Quelle est la plus grosse modification du contrat du Harbor County Sheriff's Office ?")
    assert answer.language == "fr" and not answer.abstained, answer.answer
    assert _cited(answer) == {_record_id(biggest)}, answer.answer
    assert "obligation fédérale de l'action" in answer.answer, answer.answer
    total = transactions.ask("Quel montant total les actions de 2025 ont-elles engagé sur ces attributions ?")
    in_2025 = [r for r in _rows() if r["action_date"].startswith("2025")]
    assert numbers_match(f"{sum(float(r['federal_action_obligation']) for r in in_2025):,.2f}",
                         total.answer.split(" sur ")[0]), total.answer
    assert _cited(total) == {_record_id(r) for r in in_2025}


def test_award_summaries_have_no_modifications_to_answer_from(tmp_path) -> None:
    summaries = _dossier(tmp_path, [SUMMARIES])
    for question in ("How many modifications did ICE's awards to local governments have?",
                     "Quels désengagements ICE a-t-il enregistrés en 2019 ?"):
        answer = summaries.ask(question)
        assert answer.abstained and not answer.citations, answer.answer
        assert "one row per award" in answer.answer, answer.answer
    # The award's own dates still answer what they hold: "last modified" is the latest action date.
    awarded = summaries.ask("How many ICE awards were made to local governments in 2019?")
    assert not awarded.abstained and awarded.query["plan"]["table"] == "awards", awarded.answer
