"""A real browser asking for French sees the French interface; one asking for English, the English one."""
from __future__ import annotations

from pathlib import Path

import pytest

from dossier.web.labels import LABELS

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.parametrize("locale, language, other", [("fr-FR", "fr", "en"), ("en-US", "en", "fr")])
def test_the_interface_is_in_the_browser_language(chromium, served, artifacts: Path, locale: str, language: str,
                                                  other: str) -> None:
    labels, others = LABELS[language], LABELS[other]
    context = chromium.new_context(locale=locale, viewport={"width": 1400, "height": 950})
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(served.url)
        for tab in ("tab_chat", "tab_sources", "tab_records", "tab_settings"):
            expect(page.get_by_role("tab", name=labels[tab], exact=True)).to_be_visible()
        assert page.get_by_role("tab", name=others["tab_chat"], exact=True).count() == 0
        expect(page.locator("#question textarea")).to_have_attribute("placeholder", labels["question_placeholder"])
        expect(page.locator("#dossier-header")).to_contain_text(labels["investigation"])
        expect(page.locator("body")).to_contain_text(labels["new_conversation"])
        page.get_by_role("tab", name=labels["tab_records"], exact=True).click()
        expect(page.locator("#records-filter")).to_contain_text(labels["filter"])
        expect(page.locator("#records-table")).to_contain_text("Clearview AI")  # the data is not translated
        page.screenshot(path=str(artifacts / f"app-interface-{language}.png"), full_page=True)
        page.get_by_role("tab", name=labels["tab_sources"], exact=True).click()
        expect(page.get_by_role("button", name=labels["add_to_index"])).to_be_visible()
    finally:
        context.close()
