"""Sign-in under ``--auth``: the throttle's policy on a fake clock."""
from __future__ import annotations

from dossier.web.login_throttle import LoginThrottle


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
