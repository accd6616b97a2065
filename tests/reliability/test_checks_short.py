"""Each reliability check, short (fewer kills, seconds and files; the same checks), keeps its promises.

The full run is ``make test-reliability``; its figures are in reliability/REPORT.md.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from dossier.reliability import crash, load, paths, readers

pytestmark = pytest.mark.server


@pytest.mark.timeout(900)
def test_killed_writers_lose_nothing_and_leave_no_half_written_document(tmp_path: Path, guard) -> None:
    figures = crash.run(tmp_path, short=True, seed=3)
    assert figures["kills_tried"] == 3, figures
    assert figures["documents_lost"] == 0, figures
    assert figures["integrity_failures"] == 0, figures["crash_problems"]
    assert figures["integrity_checks"] > figures["crash_documents"], figures


@pytest.mark.timeout(600)
def test_readers_during_a_writer_see_whole_documents_and_a_served_index_refuses_cli_writes(tmp_path: Path,
                                                                                         guard) -> None:
    figures = readers.run(tmp_path, short=True, seed=5)
    for kind in ("api", "web"):
        assert figures[f"reader_{kind}_questions"] > 0, figures
        assert figures[f"reader_{kind}_errors"] == 0, figures
        assert figures[f"reader_{kind}_partial_seen"] == 0, figures
    assert figures["reader_api_ingest_exit"] == 0, figures
    assert figures["reader_web_uploaded"] == 6, figures
    assert figures["cli_write_while_served_refused"] == figures["cli_write_while_served_tries"] == 1, figures


@pytest.mark.timeout(600)
def test_twenty_sessions_at_once_all_get_answers(tmp_path: Path, guard) -> None:
    figures = load.run(tmp_path, short=True, seed=9)
    assert figures["load_errors"] == 0, figures
    assert figures["load_questions"] >= load.SESSIONS, figures
    assert figures["load_p95_ms"] >= figures["load_p50_ms"] > 0, figures
    # Bounded memory: a few seconds of load grow the server by far less than half again.
    assert figures["load_rss_end_mb"] < figures["load_rss_start_mb"] * 1.5, figures


@pytest.mark.timeout(600)
def test_the_web_app_serves_no_file_writes_nowhere_else_and_signs_in_every_route(tmp_path: Path, guard) -> None:
    figures = paths.run(tmp_path, short=True, seed=11)
    assert figures["traversal_attempts"] >= 20, figures
    assert figures["traversal_served"] == 0, figures
    assert figures["upload_names_tried"] == 5 and figures["upload_names_unsafe"] == 0, figures
    assert figures["upload_written_outside"] == 0, figures
    assert figures["oversized_upload_refused"] == 1, figures
    assert figures["auth_routes_checked"] >= 30 and figures["auth_routes_open"] == 0, figures
