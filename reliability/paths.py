"""Paths (issue #14): the running web app serves no file it should not, writes nothing where it should
not, and asks for the password on every API route.

Against ``dossier serve --auth`` over an index of a few generated documents:
- **traversal**: Gradio's file routes (``/gradio_api/file=``, ``/gradio_api/file/``, ``/file=``, ``/static``,
  ``/assets``, ``/svelte``, ``/custom_component``), with absolute paths, ``../`` chains, encoded slashes,
  signed in and not, plus ``/upload`` calls naming a server path as the file, all aimed at a corpus file,
  the registry, a file planted in the index folder, a home-directory file and ``/etc/passwd``. Raw
  requests (``http.client``) so no client library tidies the ``../`` away. "Served" means the answer
  holds the target's own bytes (or the planted file's, once ingested, in the index).
- **upload names** with ``../``, an absolute path, backslashes and control characters: each is kept under
  a safe name in the index's upload folder, and no file of that name appears anywhere else.
- **oversized upload**: refused (413) before it is stored; **auth**: every API route answers 401/403
  without a sign-in.

Figures: ``traversal_attempts``, ``traversal_served``, ``upload_names_tried``, ``upload_written_outside``,
``upload_names_unsafe``, ``oversized_upload_refused``, ``auth_routes_checked``, ``auth_routes_open``.
"""
from __future__ import annotations

import http.client
import json
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from dossier.reliability.corpus import write_documents
from dossier.reliability.served import Server

API_NAMES = ("chat", "ask_json", "upload", "remove", "documents", "records", "records_for_plan", "describe",
             "chat_stream", "refresh", "records_view", "remove_ui")
MAX_UPLOAD = 200_000


def run(work: Path, *, short: bool, seed: int) -> dict[str, Any]:
    made = write_documents(work / "corpus", 2, seed)
    token = secrets.token_hex(8)
    password = secrets.token_urlsafe(12)
    index = work / "index"
    with Server(index, work / "serve.log", auth=f"harness:{password}", max_upload_bytes=MAX_UPLOAD) as server:
        web = Web(server.url)
        anonymous = Web(server.url)
        web.sign_in("harness", password)
        planted = index / f"planted-{secrets.token_hex(8)}.txt"  # not the upload token: it is meant to be here
        planted.write_text(f"planted in the index {secrets.token_hex(8)}\n", encoding="utf-8")
        targets = [made[0].path, index / "registry.sqlite3", planted, *_home_files()]
        figures = traversal(web, anonymous, targets)
        figures |= hostile_upload_names(web, token, work)
        figures["oversized_upload_refused"] = int(web.upload("big.txt", b"x" * (MAX_UPLOAD + 50_000))[0] == 413)
        figures |= auth_routes(anonymous)
    return figures


class Web:
    """Raw HTTP to the app: paths go out exactly as written, with this session's sign-in cookie."""

    def __init__(self, url: str):
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.cookie = ""

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body,
                               headers={**({"Cookie": self.cookie} if self.cookie else {}), **(headers or {})})
            response = connection.getresponse()
            cookies = [v.split(";")[0] for k, v in response.getheaders() if k.lower() == "set-cookie"]
            self.cookie = "; ".join(filter(None, [self.cookie, *cookies])) if cookies else self.cookie
            return response.status, response.read()
        finally:
            connection.close()

    def sign_in(self, user: str, password: str) -> None:
        status, _ = self.request("POST", "/login", f"username={user}&password={quote(password)}".encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise RuntimeError(f"sign-in refused ({status})")

    def upload(self, name: str, data: bytes) -> tuple[int, Any]:
        boundary = secrets.token_hex(12)
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                f"Content-Type: text/plain\r\n\r\n").encode("utf-8", "surrogateescape") + data + f"\r\n--{boundary}--\r\n".encode()
        status, answer = self.request("POST", "/gradio_api/upload", body,
                                      {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return status, json.loads(answer) if status == 200 else answer

    def upload_files(self, files: list[dict[str, Any]]) -> tuple[int, Any]:
        """``/upload`` of these FileData, with every input it takes (``replace`` off, as the tick box starts)."""
        return self.call("upload", [files, False])

    def call(self, api_name: str, data: list[Any]) -> tuple[int, Any]:
        """Call an API endpoint (``/gradio_api/call/...``) and wait for its (first) output."""
        status, answer = self.request("POST", f"/gradio_api/call/{api_name}", json.dumps({"data": data}).encode(),
                                      {"Content-Type": "application/json"})
        if status != 200:
            return status, answer
        status, stream = self.request("GET", f"/gradio_api/call/{api_name}/{json.loads(answer)['event_id']}")
        lines = stream.decode("utf-8", "replace").splitlines()
        events = [(lines[i], lines[i + 1]) for i in range(len(lines) - 1) if lines[i].startswith("event:")]
        kind, payload = events[-1] if events else ("event: none", "data: null")
        outputs = json.loads(payload.removeprefix("data:").strip() or "null")
        return (200, outputs[0]) if kind == "event: complete" else (500, outputs)


def _home_files() -> list[Path]:
    home = [Path.home() / name for name in (".bashrc", ".profile")]
    return [p for p in home if p.is_file()][:1] + [Path("/etc/passwd")]


def _route_paths(target: Path) -> list[str]:
    absolute = str(target)
    climb = "../" * 12 + absolute.lstrip("/")
    encoded = quote(climb, safe="")
    return [f"/gradio_api/file={absolute}", f"/gradio_api/file={climb}", f"/gradio_api/file={encoded}",
            f"/gradio_api/file=/tmp/gradio/{climb}", f"/gradio_api/file/{absolute}", f"/file={absolute}",
            f"/static/{climb}", f"/static/{encoded}", f"/assets/{climb}", f"/svelte/{encoded}",
            f"/custom_component/x/y/z/{encoded}"]


def traversal(web: Web, anonymous: Web, targets: list[Path]) -> dict[str, Any]:
    attempts, served = 0, []
    for target in targets:
        signature = _signature(target)
        for session in (web, anonymous):
            for path in _route_paths(target):
                attempts += 1
                status, body = session.request("GET", path)
                if status == 200 and signature in body:
                    served.append(path)
        # An API call naming the server file as if it had been uploaded: ingested, it would be quotable.
        attempts += 1
        status, rows = web.upload_files([{"path": str(target), "meta": {"_type": "gradio.FileData"}}])
        if status == 200 and any(row.get("status") in ("added", "updated", "duplicate") for row in rows or []):
            served.append(f"/upload of {target}")
    return {"traversal_attempts": attempts, "traversal_served": len(served),
            **({"traversal_served_paths": served[:10]} if served else {})}


def _signature(target: Path) -> bytes:
    data = target.read_bytes()
    return data[:64] if len(data) >= 16 else data


def hostile_upload_names(web: Web, token: str, work: Path) -> dict[str, Any]:
    names = [f"../../../../tmp/evil-{token}.txt", f"/tmp/evil-abs-{token}.txt", f"..\\..\\evil-bs-{token}.txt",
             f"evil-\x1b[2J\x07ctl-{token}.txt", f"evil-\x00nul-{token}.txt"]
    uploaded = []
    for name in names:
        status, files = web.upload(name, f"A hostile name {token}. The Zorblat agency paid 12 dollars.\n".encode())
        if status == 200:
            uploaded += [{"path": p, "meta": {"_type": "gradio.FileData"}} for p in files]
    status, rows = web.upload_files(uploaded) if uploaded else (200, [])
    if status != 200:  # a call that failed as a whole proves nothing about the names
        raise RuntimeError(f"/upload of the hostile names failed: {rows}")
    unsafe = [row["file"] for row in rows or [] if "/" in row["file"] or "\\" in row["file"]
              or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in row["file"])]
    outside = [str(p) for p in _files_named(token) if "uploads" not in p.parts and "dossier-gradio-" not in str(p)
               and not str(p).startswith(str(work / "corpus"))]
    return {"upload_names_tried": len(names), "upload_names_unsafe": len(unsafe), "upload_written_outside": len(outside),
            **({"upload_outside_paths": outside[:10]} if outside else {})}


def _files_named(token: str) -> list[Path]:
    """Files whose name holds ``token``, wherever a traversing name could have put them."""
    found = []
    for root, depth in ((Path("/tmp"), 4), (Path.home(), 2), (Path.cwd(), 3), (Path("/"), 1)):
        for folder, dirs, files in os.walk(root):
            if len(Path(folder).relative_to(root).parts) >= depth:
                dirs[:] = []
            found += [Path(folder) / f for f in files if token in f]
    return sorted(set(found))


def auth_routes(anonymous: Web) -> dict[str, Any]:
    """Every API route, unsigned: each must be refused (401/403), never answered."""
    open_routes = []
    checks = [("POST", f"/gradio_api/{kind}/{name}") for name in API_NAMES for kind in ("call", "run", "api")]
    checks += [("GET", "/gradio_api/info"), ("GET", "/config"), ("POST", "/gradio_api/upload"),
               ("POST", "/gradio_api/queue/join"), ("GET", "/gradio_api/queue/data?session_hash=x"),
               ("GET", "/gradio_api/openapi.json"), ("GET", "/gradio_api/upload_progress?upload_id=x")]
    for method, path in checks:
        status, _ = anonymous.request(method, path, b'{"data": []}' if method == "POST" else None,
                                      {"Content-Type": "application/json"} if method == "POST" else None)
        if status not in (401, 403):
            open_routes.append(f"{method} {path} -> {status}")
    return {"auth_routes_checked": len(checks), "auth_routes_open": len(open_routes),
            **({"auth_open_routes": open_routes[:10]} if open_routes else {})}
