"""The one number parser, its kinds and currencies, and the writers of money and sizes."""
from __future__ import annotations

import pytest

from dossier.core.quantities import MONTHS, RATE, format_amount, human_size, quantities, season_years


@pytest.mark.parametrize(("text", "kind", "value", "currency"), [
    ("un budget de 4,2 millions d'euros", "money", 4_200_000, "EUR"),
    ("une perte de 6 millions d\u2019euros", "money", 6_000_000, "EUR"),  # typographic apostrophe
    ("a £12m settlement", "money", 12_000_000, "GBP"),
    ("a US$2.5 billion program", "money", 2_500_000_000, "USD"),
    ("about 640 000 dollars", "money", 640_000, "USD"),
    ("over nine months", "duration", 9, None),
    ("for 18 months", "duration", 18, None),
    ("in 2019", "year", 2019, None),
    ("11 %", "percent", 11, None),
    ("1 250 agents", "count", 1250, None),
    ("on the 3rd of", "count", 3, None),
    ("signé le 1er juillet", "day", 1, None),
    ("dated 14 March", "day", 14, None),
    ("by October 30, they", "day", 30, None),
])
def test_quantities_have_their_kind_and_currency(text, kind, value, currency):
    found = quantities(text)
    assert [(q.kind, q.value, q.currency) for q in found] == [(kind, value, currency)]


def test_a_day_of_the_month_is_not_a_count():
    assert [(q.kind, q.value) for q in quantities("on 9 May 2021, 31 ships")] == [("day", 9), ("year", 2021),
                                                                                 ("count", 31)]


def test_identifiers_and_range_ends_are_not_quantities():
    assert [q.value for q in quantities("model X5 and case 14-32")] == [14]  # "32" ends a range


@pytest.mark.parametrize(("value", "language", "currency", "written"), [
    (4_200_000, "en", "EUR", "€4.2 million"),
    (4_200_000, "fr", "EUR", "4,2 millions d'euros"),
    (1_000_000, "fr", "USD", "1 million de dollars"),
    (2_500_000_000, "en", "USD", "$2.5 billion"),
    (1_400_000_000_000, "en", "USD", "$1.4 trillion"),
    (1_400_000_000_000, "fr", "USD", "1\u202f400 milliards de dollars"),
    (640_000, "en", "USD", "$640,000"),
    (-12_500.5, "en", "USD", "-$12,500.5"),
])
def test_money_is_written_in_the_readers_convention_and_its_own_currency(value, language, currency, written):
    assert format_amount(value, language, currency) == written


def test_a_written_amount_reads_back_as_the_same_quantity():
    for value in (3_750_000, 812_345.67, 9_100_000_000):
        for language in ("en", "fr"):
            (parsed,) = quantities(format_amount(value, language, "EUR"))
            assert parsed.value == pytest.approx(value) and parsed.currency == "EUR"


def test_sizes_and_months():
    assert human_size(30_100_000) == "30.1 MB" and human_size(25_000_000, exact=False) == "25 MB"
    assert human_size(812) == "812 bytes"
    assert MONTHS["août"] == MONTHS["august"] == 8


@pytest.mark.parametrize(("text", "is_rate"), [
    ("how much does it cost per year?", True), ("le coût annuel du logiciel", True), ("combien par mois ?", True),
    ("$30 million a year", True), ("a 3-year contract", False), ("signed a year ago", False), ("in 2024", False),
])
def test_a_figure_per_period_is_told_from_a_total(text, is_rate):
    assert bool(RATE.search(text)) is is_rate


@pytest.mark.parametrize("text, years", [
    ("over the 2021–22 season", {2022}),
    ("the 1999/00 budget", {2000}),
    ("on 2022-05-10 the office closed", set()),  # an ISO date, not a season
    ("from 2019-21", set()),  # two years apart: a range, not a season
])
def test_a_season_written_across_two_years_states_the_second(text: str, years: set[int]) -> None:
    assert season_years(text) == years
