"""``mazmun review RUN``: the coders' page, served on 127.0.0.1 with no external assets.

The only I/O of the review: it reads the run folder, appends each coder's action to
``RUN/decisions.jsonl`` (flushed and fsynced before the page hears back, so killing the server
loses nothing), and replays that file for every request. Logic lives in ``review``/``decisions``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from pipeline.decisions import log as dec
from pipeline.decisions import suggested
from pipeline.errors import E_DECISIONS, E_REVIEW, MazmunError
from pipeline.review import view as review
from pipeline.run_config import Config
from pipeline.runs.decision_log import DECISIONS, DecisionLog
from pipeline.runs.folder import RunFolder
from pipeline.runs.vectors import unit_vectors
from pipeline.types import Document

STATIC = {"/": ("index.html", "text/html"), "/app.js": ("app.js", "text/javascript"),
          "/app.css": ("app.css", "text/css")}
HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
           "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
           "Cross-Origin-Resource-Policy": "same-origin"}
MAX_BODY = 1 << 20  # the largest request body read


@dataclass
class Review:
    """One run under review: its candidate codebook (``base``), the decisions log, and (loaded on
    first use) its transcripts, for a quote's surrounding turns."""

    folder: RunFolder
    base: dec.State
    context_turns: int = 1
    seed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _documents: dict[str, Document] | None = None

    @classmethod
    def open(cls, run: Path, context_turns: int = 1, seed: int = 0) -> Review:
        folder = RunFolder.read(run)
        return cls(folder, folder.base_state(), context_turns, seed)

    @property
    def run(self) -> Path:
        return self.folder.path

    @property
    def log(self) -> DecisionLog:
        return self.folder.log

    @cached_property
    def units(self) -> dict[str, dec.Unit]:
        return {u.segment_id: u for u in self.base.units}

    def state(self, coder: str) -> dec.State:
        return dec.apply(self.base, self.folder.decisions(coder))

    def coders(self) -> list[str]:
        return list(dict.fromkeys(d["coder"] for d in self.log.read()))

    def _waiting(self, coder: str) -> tuple[dec.State, list[dict[str, Any]]]:
        """``coder``'s state, and the suggestions they have not decided yet (the review queue)."""
        mine = self.folder.decisions(coder)
        state = dec.apply(self.base, mine)
        return state, suggested.queue(state, self.folder.suggestions, suggested.decided_units(mine))

    def view(self, coder: str) -> dict[str, Any]:
        state, waiting = self._waiting(coder)
        return {**review.view(state, self.run.name, coder, self.coders()), "suggestions": waiting}

    def accept_suggestions(self, coder: str, at_least: float) -> dict[str, Any]:
        """Accept every suggestion not yet decided whose confidence is ``at_least``."""
        with self.lock:
            state, waiting = self._waiting(coder)
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            for item in (w for w in waiting if w["confidence"] >= at_least):
                body = {"action": "move_unit", "unit": item["unit"], "code": item["code"]}
                record = review.decision(body, state, coder, uuid.uuid4().hex[:12], at)
                self.log.append(record)
                state = dec.apply(state, [record])
        return self.view(coder)

    def act(self, coder: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            record = review.decision(body, self.state(coder), coder, uuid.uuid4().hex[:12], at)
            self.log.append(record)
        return self.view(coder)

    def split(self, coder: str, code: str, k: int) -> dict[str, Any]:
        members = self.state(coder).members(code)
        vectors = unit_vectors([self.units[u] for u in members], self.folder.config)
        parts = review.split_parts(members, vectors, k, self.seed)
        return self.act(coder, {"action": "split", "code": code, "parts": parts})

    def context(self, unit_id: str) -> list[dict[str, Any]]:
        unit = self.units.get(unit_id)
        if unit is None:
            raise MazmunError(E_REVIEW, f"no unit {unit_id} in this run", "reload the page")
        return review.context(self._docs().get(unit.file), unit, self.context_turns)

    def _docs(self) -> dict[str, Document]:
        if self._documents is None:
            try:
                docs = self.folder.transcripts()
            except MazmunError as exc:
                print(f"mazmun: surrounding turns unavailable: {exc.line()}", file=sys.stderr)
                docs = []
            self._documents = {d.name: d for d in docs}
        return self._documents


class Handler(BaseHTTPRequestHandler):
    app: Review
    allowed_hosts: frozenset[str] = frozenset()
    allowed_origins: frozenset[str] = frozenset()
    server_version = "mazmun-review"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if not self._host_ok(api=url.path not in STATIC):
            return
        if url.path in STATIC:
            name, kind = STATIC[url.path]
            data = resources.files("pipeline.review").joinpath("page", name).read_bytes()
            return self._send(HTTPStatus.OK, data, f"{kind}; charset=utf-8")
        routes = {"/api/state": lambda: self.app.view(_coder(query)),
                  "/api/context": lambda: self.app.context(query.get("unit", "")),
                  "/api/diff": lambda: review.differences(self.app.state(_coder(query)),
                                                          self.app.state(query.get("other", "")))}
        self._api(routes.get(url.path))

    def do_POST(self) -> None:  # noqa: N802
        if not self._host_ok(api=True):
            return
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            return self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "send application/json"})
        body = self._body()
        if body is None:
            return
        routes = {"/api/decision": lambda: self.app.act(_coder(body), _without(body, "coder")),
                  "/api/split": lambda: self.app.split(_coder(body), str(body.get("code", "")),
                                                       _int(body.get("k"))),
                  "/api/accept_suggestions": lambda: self.app.accept_suggestions(
                      _coder(body), _share(body.get("min_confidence")))}
        self._api(routes.get(urlparse(self.path).path))

    def _body(self) -> dict[str, Any] | None:
        """The request's JSON object, or None once the error has been answered."""
        length = self.headers.get("Content-Length", "")
        if not length.strip().isdigit():
            self._json(HTTPStatus.LENGTH_REQUIRED, {"error": "send a Content-Length"})
            return None
        if int(length) > MAX_BODY:
            self.close_connection = True
            self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                       {"error": f"requests are at most {MAX_BODY} bytes"})
            return None
        try:
            body = json.loads(self.rfile.read(int(length)) or b"{}")
        except (ValueError, RecursionError):
            body = None
        if not isinstance(body, dict):
            self._json(HTTPStatus.BAD_REQUEST, {"error": "the request is not a JSON object"})
            return None
        return body

    def _api(self, route) -> None:
        if route is None:
            return self._json(HTTPStatus.NOT_FOUND, {"error": f"no page {self.path}"})
        try:
            self._json(HTTPStatus.OK, route())
        except MazmunError as exc:
            self._json(HTTPStatus.CONFLICT, {"error": exc.line()})
        except Exception as exc:  # noqa: BLE001 - a request must never print a traceback
            print(f"mazmun: review request {self.path[:80]} failed: {type(exc).__name__}: {exc}",
                  file=sys.stderr)
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"[{E_REVIEW}] the request failed; "
                                                                   "reload the page"})

    def _host_ok(self, api: bool) -> bool:
        """Only pages served from this address may talk to it: the Host is this server's (no DNS
        rebinding), and for the API a browser's Origin and Sec-Fetch-Site, when sent, say the
        request comes from this page (no other site's page, framed or not)."""
        origin = self.headers.get("Origin")
        same = (origin is None or origin in self.allowed_origins) \
            and self.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
        if self.headers.get("Host", "") in self.allowed_hosts and (same or not api):
            return True
        self._json(HTTPStatus.FORBIDDEN, {"error": "open the page at the address mazmun printed"})
        return False

    def _json(self, status: HTTPStatus, data: Any) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json")

    def _send(self, status: HTTPStatus, data: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for key, value in HEADERS.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _coder(data: dict[str, Any]) -> str:
    coder = data.get("coder", "")
    coder = coder.strip() if isinstance(coder, str) else ""
    if not coder or len(coder) > 80:
        raise MazmunError(E_DECISIONS, "no coder name", "enter your name at the top of the page")
    return coder


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


def _int(value: Any) -> int:
    try:
        if isinstance(value, bool):
            raise TypeError
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise MazmunError(E_DECISIONS, f"k must be a whole number, got {str(value)[:20]!r}",
                          "choose k") from None


def _share(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
        return float(value)
    raise MazmunError(E_DECISIONS, f"min_confidence must be a number from 0 to 1, got {str(value)[:20]!r}",
                      "choose a confidence from 0 to 1")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that fails (a client gone mid-answer) is one line, not a traceback."""
        error = sys.exc_info()[1]
        print(f"mazmun: review connection from {client_address[0]} failed: {type(error).__name__}",
              file=sys.stderr)


def make_server(app: Review, host: str, port: int) -> ThreadingHTTPServer:
    try:
        server = Server((host, port), Handler)
    except OSError as exc:
        raise MazmunError(E_REVIEW, f"cannot serve on {host}:{port}: {exc.strerror}",
                          "pass another --port (0 picks a free one), or stop the other server") from exc
    bound = server.server_address[1]
    names = {host, "127.0.0.1", "localhost", "[::1]"}
    hosts = frozenset(f"{n}:{bound}" for n in names)
    server.RequestHandlerClass = type("BoundHandler", (Handler,), {
        "app": app, "allowed_hosts": hosts, "allowed_origins": frozenset(f"http://{h}" for h in hosts)})
    return server


def serve(run: Path, cfg: Config) -> None:
    """Serve the review page on ``cfg.review``'s address until interrupted; print it first."""
    app = Review.open(run, cfg.review.context_turns, cfg.review.split_seed)
    server = make_server(app, cfg.review.host, cfg.review.port)
    address, bound = server.server_address[:2]
    host = address.decode() if isinstance(address, bytes) else address
    print(f"mazmun: reviewing {run} — open http://{host}:{bound}/ (Ctrl-C stops; every action is "
          f"saved to {run / DECISIONS} as it happens)", file=sys.stderr, flush=True)
    print(f"http://{host}:{bound}/", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
