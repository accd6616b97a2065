"""Sign-in under ``--auth``: the throttle's policy on a fake clock, and a real server on loopback where a
client guessing passwords is refused (429, Retry-After) after a few failures while another signs in."""
from __future__ import annotations

import socket
import time

import httpx
import pytest

from dossier.web.login_throttle import LoginThrottle

WRONG_GUESSES = 50


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def throttle(**limits) -> tuple[LoginThrottle, FakeClock]:
    clock = FakeClock()
    return LoginThrottle(clock=clock, **{"free_failures": 3, "first_wait": 1.0, "max_wait": 8.0, **limits}), clock


def test_after_the_free_failures_each_failure_doubles_the_wait_up_to_the_cap() -> None:
    policy, clock = throttle()
    assert [policy.admit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    waits = []
    for _ in range(6):
        assert policy.admit("a") == 0.0  # admitted once the previous wait is over...
        waits.append(policy.admit("a"))  # ...and the failure it stands for imposes the next
        clock.now += waits[-1]
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_attempts_refused_during_a_wait_do_not_lengthen_it() -> None:
    policy, clock = throttle(free_failures=0)
    assert policy.admit("a") == 0.0
    clock.now += 0.25
    assert [policy.admit("a") for _ in range(20)] == [0.75] * 20
    clock.now += 0.75
    assert policy.admit("a") == 0.0
    assert policy.admit("a") == 2.0


def test_a_success_clears_the_failures_of_that_client_only() -> None:
    policy, clock = throttle()
    for client in ("a", "b"):
        for _ in range(4):
            policy.admit(client)
    policy.succeeded("a")  # the fourth attempt of "a" signed in
    assert [policy.admit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert policy.admit("b") == 1.0
    assert policy.admit("c") == 0.0, "a client that never failed is not slowed by others"


def test_a_burst_of_parallel_attempts_is_counted_before_any_is_answered() -> None:
    policy, _ = throttle()
    admitted = [policy.admit("a") == 0.0 for _ in range(50)]  # none reported back yet
    assert admitted.count(True) == 4


def test_the_failure_table_forgets_silent_clients_and_stays_bounded() -> None:
    policy, clock = throttle(forget_after=60.0, max_clients=100)
    for _ in range(4):
        policy.admit("a")
    assert policy.admit("a") == 1.0
    for n in range(1000):
        policy.admit(f"10.0.{n // 256}.{n % 256}")
    assert len(policy) == 100
    assert policy.admit("a") == 0.0, "the least recently seen client was dropped first"
    clock.now += 61
    policy.admit("b")
    assert len(policy) == 1, "clients silent for forget_after are forgotten"


@pytest.fixture(scope="module")
def signed_in_url(served):
    """The app over the served engine, launched in this process with ``--auth ana:s3cret``."""
    from dossier.app import build_app
    from dossier.web.serve import launch

    settings = served.settings.model_copy(update={"auth": "ana:s3cret"})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = build_app(served.dossier)
    url = launch(demo, settings, port=port, prevent_thread_lock=True)
    try:
        yield url.rstrip("/")
    finally:
        demo.close()


def client_from(address: str) -> httpx.Client:
    """A client whose connections leave from ``address`` (all of 127.0.0.0/8 is loopback)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=10)


def sign_in(client: httpx.Client, url: str, password: str) -> httpx.Response:
    return client.post(f"{url}/login", data={"username": "ana", "password": password})


@pytest.mark.server
def test_repeated_wrong_passwords_are_refused_while_another_client_signs_in(signed_in_url) -> None:
    url = signed_in_url
    with client_from("127.0.0.1") as guesser, client_from("127.0.0.2") as reader:
        started = time.monotonic()
        answers, right_password_while_refused = [], None
        for n in range(WRONG_GUESSES):
            answers.append(sign_in(guesser, url, f"guess-{n}"))
            if right_password_while_refused is None and answers[-1].status_code == 429:
                # Refused even with the right password while it must wait: a guess that landed
                # during the wait would otherwise tell it the password.
                right_password_while_refused = sign_in(guesser, url, "s3cret")
        elapsed = time.monotonic() - started
        checked = [a for a in answers if a.status_code == 400]  # the password was checked, and wrong
        refused = [a for a in answers if a.status_code == 429]
        assert len(checked) + len(refused) == WRONG_GUESSES, {a.status_code for a in answers}
        # Five free failures, then one check per wait of 1 s, 2 s, 4 s...: a loaded machine may let
        # a check or two more through, never the 44 an unthrottled server does.
        assert [a.status_code for a in answers[:7]] == [400] * 6 + [429]
        assert len(checked) <= 10, f"{len(checked)} of {WRONG_GUESSES} guesses reached the password check"
        assert all(int(a.headers["retry-after"]) >= 1 for a in refused)
        assert right_password_while_refused.status_code == 429
        assert elapsed < 30

        # Another client is not slowed: its first attempt is checked, and the right password works.
        assert sign_in(reader, url, "wrong").status_code == 400
        signed_in = sign_in(reader, url, "s3cret")
        assert signed_in.status_code == 200, signed_in.text
        assert reader.get(f"{url}/config").status_code == 200  # the cookie it was given opens the app
