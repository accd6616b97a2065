"""fold (matching form), normalise_text (stored form) and sentence spans."""
from __future__ import annotations

import pytest

from dossier.core.text import fold, normalise_text, sentences


def test_fold() -> None:
    assert fold("« L’ICE a dit “oui” »") == '" l\'ice a dit "oui" "'
    assert fold("3,75\u00a0millions\u202fde  dollars\n") == "3,75 millions de dollars"
    assert fold("ＩＣＥ ﬁles") == "ice files"  # NFKC: full-width letters and ligatures
    assert fold("Straße") == "strasse"  # casefold, not lower
    assert fold("‘a’ ‚b‛ „c”") == "'a' 'b' \"c\""


def test_normalise_text_keeps_typography_and_tidies_whitespace() -> None:
    raw = "\ufeffTitre  \r\n\r\n\r\n\r\nL’article « cité »\t \rfin   \n\n\n"
    assert normalise_text(raw).lstrip("\ufeff") == "Titre\n\nL’article « cité »\nfin"
    assert normalise_text("e\u0301te\u0301") == "été"  # NFC
    assert normalise_text("a\n\nb") == "a\n\nb"  # one blank line survives


def split(text: str) -> list[str]:
    spans = sentences(text)
    for start, end in spans:
        assert text[start:end] == text[start:end].strip()
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Le contrat vaut 3,75 millions de dollars. Il a été signé en 2025.",
            ["Le contrat vaut 3,75 millions de dollars.", "Il a été signé en 2025."],
        ),
        (
            "The award was $3.75 million. It was signed by Dr. Smith of the U.S. Department of Homeland Security.",
            ["The award was $3.75 million.", "It was signed by Dr. Smith of the U.S. Department of Homeland Security."],
        ),
        (
            "M. Dupont a parlé… Puis il est parti ! Pourquoi ? Personne ne sait.",
            ["M. Dupont a parlé…", "Puis il est parti !", "Pourquoi ?", "Personne ne sait."],
        ),
        (
            "« C’est un outil puissant. » Selon ICE, il sert aux enquêtes.",
            ["« C’est un outil puissant. »", "Selon ICE, il sert aux enquêtes."],
        ),
        (
            "Le contrat avec SOS International LLC. Pour 7 millions.",
            ["Le contrat avec SOS International LLC. Pour 7 millions."],
        ),
        (
            'J. Edgar Hoover led the bureau. "It was secret," she said. Then it ended...',
            ["J. Edgar Hoover led the bureau.", '"It was secret," she said.', "Then it ended..."],
        ),
        (
            "Visit zignal.com for details. Version 2.5 shipped.",
            ["Visit zignal.com for details.", "Version 2.5 shipped."],
        ),
        (
            "Reconnaissance faciale : Clearview AI\nEn septembre, ICE a signé. Ensuite\n\n  rien  ",
            ["Reconnaissance faciale : Clearview AI", "En septembre, ICE a signé.", "Ensuite", "rien"],
        ),
        ("il a dit non. et puis rien", ["il a dit non. et puis rien"]),  # lower case: no new sentence
        ("", []),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_sentence_offsets_cover_real_text() -> None:
    text = "  Premier.  Deuxième ?\n\nTroisième !  "
    assert sentences(text) == [(2, 10), (12, 22), (24, 35)]
