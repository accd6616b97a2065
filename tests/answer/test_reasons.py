"""Every reason an answer gives for abstaining reads in French too: a French question never gets an
English explanation."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dossier.answer.reasons import in_language

ANSWER = Path(__file__).resolve().parents[2] / "answer"


def _reasons_in_code() -> list[str]:
    reasons = []
    for path in sorted(ANSWER.glob("*.py")):
        for literal in re.findall(r'(?:reason|refusal)=f?"([^"]+)"', path.read_text(encoding="utf-8")):
            reasons.append(re.sub(r"\{[^}]*\}", "Clearview AI", literal))
    return sorted(set(reasons))


@pytest.mark.parametrize("reason", _reasons_in_code())
def test_each_abstention_reason_has_a_french_rendering(reason: str) -> None:
    french = in_language(reason, "fr")
    assert french != reason, f"no French for: {reason}"
    assert in_language(reason, "en") == reason


def test_the_reasons_are_found() -> None:
    assert len(_reasons_in_code()) >= 15
