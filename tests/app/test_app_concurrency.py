"""Twenty people at once: separate gradio_client sessions, each gets the answer to its own question."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from dossier.app import EXAMPLES

QUESTIONS = [
    *EXAMPLES,  # the six example questions the chat offers, then fourteen more
    "Which company sells Graykey?",
    "Who is the intermediary for the Zignal Labs licenses?",
    "Quelle entreprise fournit la reconnaissance faciale à l'ICE ?",
    "How long is the Zignal Labs contract?",
    "What is ShadowDragon?",
    "Qu'est-ce que Babel X ?",
    "How many photos are in Clearview AI's database?",
    "Quel est le montant total des contrats de Clearview AI ?",
    "What did ICE buy from LexisNexis?",
    "Quel rôle joue Palantir pour l'ICE ?",
    "What is the largest award in the procurement records?",
    "Who reported on the Zignal Labs contract?",
    "Quelle agence a attribué le contrat à Magnet Forensics ?",
    "What is SOS International?",
]


def test_twenty_concurrent_sessions_each_get_their_own_answer(served) -> None:
    from gradio_client import Client

    assert len(set(QUESTIONS)) == 20
    expected = {q: served.dossier.ask(q) for q in QUESTIONS}

    def one_user(question: str) -> tuple[str, dict]:
        client = Client(served.url, verbose=False, download_files=False)
        return question, client.predict(question, api_name="/chat")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(one_user, q) for q in QUESTIONS]
        results = [f.result(timeout=60) for f in futures]
    elapsed = time.perf_counter() - started

    assert len(results) == 20
    for question, got in results:
        want = expected[question]
        assert got["answer"] == want.answer, question
        assert got["abstained"] == want.abstained, question
        assert [c["passage_id"] for c in got["citations"]] == [c.passage_id for c in want.citations], question
    assert elapsed < 45, f"20 concurrent questions took {elapsed:.1f}s"
