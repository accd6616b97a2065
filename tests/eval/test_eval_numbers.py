"""Numbers written in English and French: parsing and quantity matching."""
import pytest

from dossier.eval.numbers import numbers_match, parse_numbers, same_quantity


def values(text: str) -> list[float]:
    return [number.value for number in parse_numbers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3,75 millions de dollars", [3_750_000]),
        ("$3.75 million", [3_750_000]),
        ("3 750 000 $", [3_750_000]),
        ("3.75M", [3_750_000]),
        ("$5.7M", [5_700_000]),
        ("$3.75m", [3_750_000]),
        ("800 000", [800_000]),
        ("800\u00a0000 dollars", [800_000]),  # no-break space
        ("800\u202f000", [800_000]),  # narrow no-break space
        ("800,000", [800_000]),
        ("800k", [800_000]),
        ("1,2 million", [1_200_000]),
        ("8 milliards", [8e9]),
        ("8 billion", [8e9]),
        ("95,9 millions", [95_900_000]),
        ("7 500", [7500]),
        ("18,5", [18.5]),
        ("12 %", [12]),
        ("12%", [12]),
        ("2019", [2019]),
        ("-12,500.50", [-12_500.5]),
        ("(1,234)", [-1234]),
        ("12.500,50", [12_500.5]),
        ("1.234.567", [1_234_567]),
        ("5 Mds €", [5e9]),
    ],
)
def test_parse_numbers_normalises_english_and_french_forms(text, expected):
    assert values(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3,75", [3.75]),  # two digits after the comma: French decimal
        ("1,2", [1.2]),
        ("3,750", [3750]),  # exactly three: English thousands by default
        ("3,750 millions de dollars", [3_750_000]),  # ...unless a French scale phrase follows
        ("3.750", [3.75]),  # a single dot is a decimal point
    ],
)
def test_comma_is_decimal_or_thousands_by_digit_count_and_context(text, expected):
    assert values(text) == pytest.approx(expected)


def test_numbers_keep_their_spans_and_mantissa():
    text = "ICE a payé $3.75 million, puis 800 000 dollars."
    first, second = parse_numbers(text)
    assert text[first.start:first.end] == first.text == "$3.75 million"
    assert (first.mantissa, first.scale) == (3.75, 1e6)
    assert second.text == "800 000 dollars"
    assert not second.has_scale_word


def test_trailing_punctuation_is_not_part_of_the_number():
    assert values("paid $3,750,000, and then 1.234.567.") == [3_750_000, 1_234_567]
    assert values("en 2019.") == [2019]


def test_percentages_are_flagged():
    assert [n.is_percent for n in parse_numbers("12 % et 12% mais 12 agences")] == [True, True, False]


def test_hyphens_and_identifiers_are_not_signs_or_numbers():
    assert values("R01 et 2019-2020") == [2019, 2020]
    assert values("COVID-19") == [19]


def test_parenthesised_asides_stay_positive():
    assert values("(2019)") == [2019]
    assert values("Clearview AI (3,75 M$)") == [3_750_000]
    accounting = parse_numbers("(1,234)")[0]
    assert accounting.parenthesized and accounting.text == "(1,234)"


def test_a_scale_abbreviation_must_stand_alone():
    assert values("3 Magnet") == [3]
    assert values("3 m") == [3]  # metres, not millions, without a currency sign


@pytest.mark.parametrize(
    ("fact", "answer"),
    [
        ("3,75", "$3.75 million"),  # bare mantissa: the answer's value before its scale word
        ("3,75", "3,75 millions de dollars"),
        ("3,75", "amount: $3,750,000 (federal_action_obligation)"),  # bare mantissa in millions, spelt out
        ("3.75", "3,75 millions"),
        ("800 000", "$800,000"),
        ("800,000", "800 000 dollars"),
        ("5.65 million", "5,650,000"),
        ("5.65 million", "5,65 millions de dollars"),
        ("5,650,000", "$5.65M"),
        ("30 millions", "a $30 million contract"),
        ("7 500", "more than 7,500 agencies"),
        ("2019", "first signed in 2019."),
        ("8 milliards", "8 billion posts a day"),
        ("1,2 million", "1.2 million searches"),
        ("12 %", "12% of them"),
        ("7 months", "1.2 million searches in 7 months"),
        ("5-year", "a 5-year contract"),
        ("-12,500.50", "a de-obligation of (12,500.50)"),
        ("5,650,000", "in total (5,650,000)"),  # prose asides in parentheses are not debts
    ],
)
def test_numbers_match_same_quantity_in_any_written_form(fact, answer):
    assert numbers_match(fact, answer)


@pytest.mark.parametrize(
    ("fact", "answer"),
    [
        ("3.75", "3.7 million"),
        ("3,75", "$3.7 million"),
        ("3.7", "3.75 million"),
        ("30", "300 agents"),
        ("30", "in 2030"),
        ("30 millions", "300 millions"),
        ("5.65 million", "5.65 billion"),
        ("5.65 million", "5.65"),  # a scaled fact needs the scaled value
        ("12 %", "12 agencies"),
        ("7 months", "7 million"),
        ("2019", "2,019,000,000"),  # only a bare mantissa of millions/billions: 2019 is not 2.019 billion
        ("3,75", "no number at all"),
        ("no digits", "3.75"),
    ],
)
def test_numbers_match_rejects_other_quantities(fact, answer):
    assert not numbers_match(fact, answer)


def test_same_quantity_needs_a_percentage_for_a_percentage_fact():
    fact = parse_numbers("12 %")[0]
    assert same_quantity(fact, parse_numbers("12%")[0])
    assert not same_quantity(fact, parse_numbers("12")[0])
