"""A real browser (Debian's chromium) asks a question in the chat and sees the cited quote marked."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

QUESTION = "What does the article say Clearview AI technology can do?"
RECORDS_QUESTION = "Add up every Clearview AI award in the procurement records."

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def page(served, chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 950})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None) and
            not r.url.startswith(("data:", "blob:")) else None)
    page.outside_requests = outside  # type: ignore[attr-defined]
    page.set_default_timeout(20_000)
    page.goto(served.url)
    yield page
    page.close()


def test_question_answer_and_marked_quote(page, served, artifacts: Path) -> None:
    expected = served.dossier.ask(QUESTION)
    assert expected.citations

    box = page.locator("#question textarea")
    box.fill(QUESTION)
    box.press("Enter")
    marks = page.locator("#sources .cite-card mark")
    marks.first.wait_for()
    bot = page.locator('#chatbot [data-testid="bot"]').last
    bot.locator('a[href="#cite-1"]').wait_for()

    first = expected.citations[0]
    card = page.locator("#sources #cite-1")
    assert card.count() == 1
    marked = " ".join(card.locator("mark").all_inner_texts())
    assert first.quote.split("\n")[0].split(": ", 1)[-1] in marked
    assert page.locator("#sources .cite-card").count() == len(expected.citations)

    last = expected.citations[-1].n
    bot.locator(f'a[href="#cite-{last}"]').click()
    page.wait_for_function(f"document.getElementById('cite-{last}').classList.contains('cite-flash')")
    assert page.locator(f"#cite-{last}").is_visible()
    assert len(page.context.pages) == 1, "a citation link scrolls the panel, it opens no tab"

    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / "app-chat.png"), full_page=True)
    assert page.outside_requests == []


def test_a_computed_answer_cites_its_records_and_opens_them_in_the_records_tab(page, served, artifacts: Path) -> None:
    expected = served.dossier.ask(RECORDS_QUESTION)
    computation = expected.citations[0]
    assert computation.record_ids and computation.sql
    box = page.locator("#question textarea")
    box.fill(RECORDS_QUESTION)
    box.press("Enter")
    card = page.locator("#sources #cite-1.computation")
    card.wait_for()
    expect(card).to_contain_text(f"{len(computation.record_ids)} record(s)")
    card.locator("details.cite-sql summary").click()  # the SQL is folded until asked for
    assert card.locator("details.cite-sql pre").inner_text().strip() == computation.sql.strip()
    for record_id in computation.record_ids:
        expect(card).to_contain_text(record_id)
    page.get_by_role("tab", name="Records").click()
    expect(page.locator("#records-note")).to_contain_text(f"The {expected.query['records']} award(s) of your last answer")
    page.wait_for_function("!document.querySelector('#records-table').innerText.includes('Palantir')")
    table = page.locator("#records-table").inner_text()
    others = {r.record_id for r, _ in served.dossier.records()} - set(computation.record_ids)
    assert all(r in table for r in computation.record_ids) and not any(r in table for r in others), table
    expect(page.locator("#records-csv")).to_be_visible()
    page.screenshot(path=str(artifacts / "app-answer-records.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#records-csv").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("record,recipient") and len(lines) == 1 + len(computation.record_ids)
    page.locator("#records-filter textarea, #records-filter input").first.fill(" ")
    page.wait_for_function("document.querySelector('#records-table').innerText.includes('Palantir')")
    page.get_by_role("tab", name="Chat").click()


def test_example_question_that_abstains_shows_nearest_passages(page, served, artifacts: Path) -> None:
    question = "Qui dirige Clearview AI ?"
    expected = served.dossier.ask(question)
    page.get_by_text(question, exact=True).click()  # an example: clicking it asks it
    page.locator("#sources .cite-card.not-supporting").first.wait_for()
    expect(page.locator("#sources")).to_contain_text("No source supports an answer")
    assert page.locator("#sources .cite-badge").count() == min(3, len(expected.retrieved))
    assert page.locator("#sources mark").count() == 0
    expect(page.locator('#chatbot [data-testid="bot"]').last).to_contain_text(expected.answer.split(".")[0])
    page.screenshot(path=str(artifacts / "app-abstention.png"), full_page=True)


def test_records_tab_shows_table_and_plot(page, artifacts: Path) -> None:
    page.get_by_role("tab", name="Records").click()
    expect(page.locator("#records-table")).to_contain_text("Clearview AI")
    page.locator("#records-plot img, #records-plot canvas, #records-plot svg").first.wait_for()
    page.screenshot(path=str(artifacts / "app-records.png"), full_page=True)
    assert "$30,000,000" in page.locator("#records-table").inner_text()
    page.locator("#records-filter textarea, #records-filter input").first.fill("clearview")
    page.wait_for_function("!document.querySelector('#records-table').innerText.includes('Palantir')")
    assert page.locator("#records-table").inner_text().count("Clearview AI") >= 3


def test_upload_then_remove_with_confirmation(page, served, app_fixtures: Path, artifacts: Path) -> None:
    page.get_by_role("tab", name="Sources").click()
    documents = page.locator("#documents")
    expect(documents).to_contain_text("ice_awards_as_reported.csv")
    page.locator("#upload-files input[type=file]").set_input_files(str(app_fixtures / "northwind-analytics.txt"))
    page.get_by_role("button", name="Add to the index").click()
    expect(page.locator("#upload-results")).to_contain_text("added")
    expect(documents).to_contain_text("northwind-analytics.txt")
    added = next(d for d in served.dossier.documents() if "Northwind" in d.title)
    page.screenshot(path=str(artifacts / "app-sources.png"), full_page=True)

    page.locator("#remove-choice input").click()
    page.get_by_role("option", name=added.id, exact=False).click()
    page.get_by_role("button", name="Remove…").click()
    confirm = page.get_by_role("button", name="Confirm removal")
    confirm.wait_for()
    assert added.id in {d.id for d in served.dossier.documents()}, "nothing is removed before confirming"
    confirm.click()
    expect(page.locator("#remove-message")).to_contain_text(f"Removed {added.id}")
    expect(documents).not_to_contain_text("northwind-analytics.txt")
    assert added.id not in {d.id for d in served.dossier.documents()}
    assert not confirm.is_visible()


def test_switching_workspace_changes_this_page_sources_and_exports_the_conversation(page, served, investigations,
                                                                                    artifacts: Path) -> None:
    """Last in this file: it leaves the page in another workspace."""
    article, question = investigations["ports"]
    page.reload()  # the switcher lists the workspaces there are when the page loads
    expect(page.locator("#active-workspace")).to_contain_text(f"Workspace: index {Path(served.settings.index).name}")
    page.locator("#workspace-switcher input").click()
    page.get_by_role("option", name="ports", exact=True).click()
    expect(page.locator("#active-workspace")).to_contain_text("Workspace: ports")
    expect(page.locator('#chatbot [data-testid="bot"]')).to_have_count(0)  # a switch starts the chat afresh
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    card = page.locator("#sources #cite-1")
    card.wait_for()
    expect(card).to_contain_text(article)
    export = page.locator("#export-conversation")
    expect(export).to_be_visible()
    page.screenshot(path=str(artifacts / "app-workspace.png"), full_page=True)
    with page.expect_download() as download:
        export.click()
    notes = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"## 1. {question}" in notes and f"[^1]: **Shipping data for the ports**, `{article}`" in notes
    page.get_by_role("tab", name="Sources").click()
    documents = page.locator("#documents")
    expect(documents).to_contain_text(article)
    expect(documents).not_to_contain_text("ice_awards_as_reported.csv")  # the server's own index is not this one
    page.screenshot(path=str(artifacts / "app-workspace-sources.png"), full_page=True)
