"""The interface's labels: both languages for every key, French really French, served to the page."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from dossier.web.labels import LABELS, browser_language, i18n, label, t
from dossier.web.render import searching_html

# Labels whose French is the English word on purpose (proper nouns, names of files or commands).
SAME_IN_BOTH: set[str] = set()


def test_every_label_has_both_languages() -> None:
    assert set(LABELS) == {"en", "fr"}
    assert set(LABELS["en"]) == set(LABELS["fr"])
    for language, labels in LABELS.items():
        empty = [key for key, text in labels.items() if not text.strip()]
        assert not empty, f"{language} labels without text: {empty}"


def test_french_labels_are_not_the_english_ones() -> None:
    untranslated = [key for key in LABELS["en"] if LABELS["fr"][key] == LABELS["en"][key] and key not in SAME_IN_BOTH]
    assert not untranslated, f"French labels still in English: {untranslated}"


def test_an_unknown_label_fails_as_the_app_is_built() -> None:
    with pytest.raises(KeyError, match="no label 'tab_chatt'"):
        t("tab_chatt")
    assert i18n().translations_dict["fr"]["tab_chat"] == LABELS["fr"]["tab_chat"]


@pytest.mark.parametrize("header, language", [
    ("fr-FR,fr;q=0.9,en-US;q=0.8", "fr"), ("fr", "fr"), ("en-GB,en;q=0.9,fr;q=0.5", "en"),
    ("de-DE,fr;q=0.7", "fr"), ("de-DE", "en"), ("", "en"),
])
def test_the_browser_language_is_the_first_of_french_or_english(header: str, language: str) -> None:
    assert browser_language(SimpleNamespace(headers={"accept-language": header})) == language
    assert browser_language(None) == "en"


def test_the_searching_panel_follows_the_language() -> None:
    assert label("searching", "fr") in searching_html("fr")
    assert label("searching", "en") in searching_html("en") and label("searching", "de") == label("searching", "en")


def test_the_server_sends_both_languages_to_the_page(served) -> None:
    from gradio_client import Client

    config = Client(served.url, verbose=False).config
    assert config["i18n_translations"] == LABELS


@pytest.mark.parametrize("accept, language", [("fr-FR,fr;q=0.9", "fr"), ("en-US,en;q=0.9", "en")])
def test_the_chat_says_it_is_searching_in_the_browser_language(served, accept: str, language: str) -> None:
    from gradio_client import Client

    client = Client(served.url, headers={"Accept-Language": accept}, verbose=False)
    job = client.submit("What colour is the sky on Mars?", [], [], "", api_name="/chat_stream")
    job.result()
    first_sources = job.outputs()[0][1]
    assert label("searching", language) in first_sources
