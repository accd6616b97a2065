"""A deterministic stand-in for an OpenAI-compatible chat server, on loopback only.

``POST /v1/chat/completions`` (or ``/chat/completions``) answers with the reply its script gives
for the question found in the last user message, in OpenAI's JSON format, and records every
request so a test can inspect the exact prompt that was sent. Shipped with the harness, which points the
optional LLM answerer at it (``injection.obeying_server``); the suite's LLM tests use it too.

    with FakeLLMServer({"How much did ICE pay": "ICE paid $3.75 million [1]."}) as server:
        server.url  # "http://127.0.0.1:<port>/v1"
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_REPLY = "NOT IN SOURCES"


class FakeLLMServer:
    def __init__(self, script: dict[str, str] | None = None, *, default: str = DEFAULT_REPLY,
                 delay_s: float = 0.0, status: int = 200):
        self.script = dict(script or {})
        self.default = default
        self.delay_s = delay_s
        self.status = status
        self.requests: list[dict[str, Any]] = []  # {"path": ..., "body": parsed JSON}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    # ---- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> "FakeLLMServer":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    self._send(400, {"error": {"message": "bad json"}})
                    return
                fake.requests.append({"path": self.path, "body": body})
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                if fake.delay_s:
                    time.sleep(fake.delay_s)
                if fake.status != 200:
                    self._send(fake.status, {"error": {"message": "the fake server was told to fail",
                                                       "type": "server_error"}})
                    return
                reply = fake.reply_for(body)
                self._send(200, {
                    "id": f"chatcmpl-fake-{len(fake.requests)}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "fake"),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": reply},
                                 "finish_reason": "stop", "logprobs": None}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-llm", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # ---- what the tests use -------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._port is not None, "server not started"
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reply_for(self, body: dict[str, Any]) -> str:
        user = last_message(body, "user")
        # Longest key first, so "How much … in 2024" wins over "How much …".
        for key in sorted(self.script, key=len, reverse=True):
            if key in user:
                return self.script[key]
        return self.default

    def last_request(self) -> dict[str, Any]:
        assert self.requests, "the fake server received no request"
        return self.requests[-1]["body"]


def message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # OpenAI "content parts"
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


def last_message(body: dict[str, Any], role: str) -> str:
    for message in reversed(body.get("messages", [])):
        if message.get("role") == role:
            return message_text(message)
    return ""
