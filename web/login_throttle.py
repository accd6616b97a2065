"""Slowing password guessing under ``--auth``: after a few consecutive failed sign-ins, a client (by
remote address) must wait before its next attempt, a wait that doubles with each further failure up
to a cap; a success clears it, and other clients are not affected.

``LoginThrottle`` is the policy (pure, with an injectable clock); ``LoginThrottleMiddleware`` applies
it to Gradio's ``POST /login``, answering 429 with Retry-After while a client must wait.
"""
from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOGIN_PATHS = ("/login", "/login/")  # Gradio's sign-in form posts here


@dataclass
class _Failures:
    count: int = 0  # consecutive failures (an attempt counts as one until it is reported a success)
    locked_until: float = 0.0
    last_attempt: float = 0.0


class LoginThrottle:
    """Per-client count of consecutive failed sign-ins, and the wait it imposes.

    ``free_failures`` attempts may fail without a wait; each failure after them locks the client for
    ``first_wait`` seconds, doubled per further failure, at most ``max_wait``. A client silent for
    ``forget_after`` seconds starts afresh, and at most ``max_clients`` are remembered (the least
    recently seen go first), so the table stays small whatever the number of addresses.
    """

    def __init__(self, *, free_failures: int = 5, first_wait: float = 1.0, max_wait: float = 300.0,
                 forget_after: float = 3600.0, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free_failures = free_failures
        self.first_wait = first_wait
        self.max_wait = max_wait
        self.forget_after = forget_after
        self.max_clients = max_clients
        self._clock = clock
        self._clients: OrderedDict[str, _Failures] = OrderedDict()  # least recently seen first
        self._lock = threading.Lock()

    def admit(self, client: str) -> float:
        """Seconds ``client`` must still wait before it may try; 0.0 admits this attempt.

        An admitted attempt counts as a failure at once, so a burst of parallel guesses cannot all
        pass before the first is answered; ``succeeded`` takes it back.
        """
        with self._lock:
            now = self._clock()
            self._forget_silent(now)
            failures = self._clients.get(client)
            if failures is not None and now < failures.locked_until:
                return failures.locked_until - now
            if failures is None:
                failures = self._clients[client] = _Failures()
                if len(self._clients) > self.max_clients:
                    self._clients.popitem(last=False)
            self._clients.move_to_end(client)
            failures.count += 1
            failures.last_attempt = now
            if failures.count > self.free_failures:
                failures.locked_until = now + self.wait_after(failures.count)
            return 0.0

    def succeeded(self, client: str) -> None:
        """The admitted attempt of ``client`` signed in: its failures are forgotten."""
        with self._lock:
            self._clients.pop(client, None)

    def wait_after(self, failures: int) -> float:
        """The wait imposed after ``failures`` consecutive failures."""
        beyond = failures - self.free_failures
        if beyond <= 0:
            return 0.0
        return min(self.max_wait, self.first_wait * 2 ** min(beyond - 1, 64))  # 2**64: no float overflow

    def __len__(self) -> int:
        return len(self._clients)

    def _forget_silent(self, now: float) -> None:
        # Ordered by last attempt, so the silent ones are at the front.
        while self._clients:
            oldest = next(iter(self._clients.values()))
            if now - oldest.last_attempt < self.forget_after or now < oldest.locked_until:
                break
            self._clients.popitem(last=False)


class LoginThrottleMiddleware:
    """ASGI middleware: ``POST /login`` goes through ``throttle``; every other request passes as is.

    The client is the connection's remote address as uvicorn reports it (behind a reverse proxy on
    loopback, the X-Forwarded-For it sets). A 200 from the sign-in route is a success; any other
    answer leaves the attempt counted as a failure.
    """

    def __init__(self, app: ASGIApp, throttle: LoginThrottle) -> None:
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_sign_in(scope):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.throttle.admit(client)
        if wait > 0:
            await _too_many_attempts(send, wait)
            return

        async def send_noting_success(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                self.throttle.succeeded(client)
            await send(message)

        await self.app(scope, receive, send_noting_success)


def _is_sign_in(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    path, root = scope["path"], scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    return path in LOGIN_PATHS


async def _too_many_attempts(send: Send, wait: float) -> None:
    seconds = max(1, math.ceil(wait))
    body = json.dumps({"detail": f"Too many failed sign-ins; try again in {seconds} s."}).encode()
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"retry-after", str(seconds).encode())]})
    await send({"type": "http.response.body", "body": body})
