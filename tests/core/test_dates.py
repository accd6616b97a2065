"""What counts as stating a date: the answer to "when" must give more than the question already does."""
from __future__ import annotations

import pytest

from dossier.core.dates import date_mentions, read_date_mention, states_date


@pytest.mark.parametrize("text, given, dated", [
    ("The fair closes on 14 August.", (), True),
    ("La foire ferme le 14 août.", (), True),
    ("It reopens on Sept. 3 at noon.", (), True),
    ("The vote is set for March.", (), True),
    ("Le vote aura lieu en mars.", (), True),
    ("Posted 8/14/2023 at 9:00.", (2023,), True),
    ("The 2023 programme was published online.", (2023,), False),  # only the year the question gives
    ("The 2023 programme follows the 2021 one.", (2023,), True),
    ("Rain may delay the march to the depot.", (), False),  # the verbs, not the months
    ("It closed on Sunday after the last reading.", (), False),
    ("Tickets cost 2,023 dollars.", (), False),
    ("Sep is the code of the stand.", (), False),  # an abbreviation alone is no month
])
def test_a_sentence_states_a_date_beyond_the_years_given(text: str, given: tuple[int, ...], dated: bool) -> None:
    assert states_date(text, given) is dated


@pytest.mark.parametrize("text, given, mentions", [
    ("The final was played on December 18, 2022, in Lusail.", (2022,), ["December 18, 2022"]),
    ("Il ouvre le 3 mars et ferme le 9 mars.", (), ["3 mars", "9 mars"]),
    ("Accounts for 2019 and 2021 were filed.", (2021,), ["2019"]),
])
def test_date_mentions_are_whole(text: str, given: tuple[int, ...], mentions: list[str]) -> None:
    assert [text[start:end] for start, end in date_mentions(text, given)] == mentions


@pytest.mark.parametrize("mention, language, written", [
    ("December 18, 2022", "fr", "18 décembre 2022"),
    ("18 décembre 2022", "en", "December 18, 2022"),
    ("14 August", "fr", "14 août"),
    ("Feb. 2023", "en", "February 2023"),
    ("8/14/2023", "en", "August 14, 2023"),
    ("the day after", "en", "the day after"),  # not a date it can read: left as written
])
def test_a_date_mention_is_written_in_the_readers_language(mention: str, language: str, written: str) -> None:
    assert read_date_mention(mention, language) == written
