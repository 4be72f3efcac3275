"""A recording HTTP server on 127.0.0.1 for the submit tests: the real SDKs talk to it.

Each fake provider subclasses `FakeAPI` and answers requests from its own state. Tests queue
misbehaviour per route (`fail("POST", "/v1/files", Status(429))`, `Drop()`, `Garbage()`) and
read `requests` to assert what the SDK sent. No SDK is mocked: only the server is fake.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import socket
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, Any]:
        """Multipart fields: text values as str, file parts as (filename, bytes)."""
        kind = self.headers.get("content-type", "")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {kind}\r\n\r\n".encode() + self.body)
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            fields[str(name)] = (filename, payload) if filename else payload.decode()
        return fields


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Status:
    """Answer with this HTTP status and an error body in the provider's shape."""

    status: int
    message: str = "simulated failure"
    after: bool = False  # handle the request first (the job IS created), then fail


@dataclass
class Drop:
    """Read part of the request body, then close the socket without answering."""

    read: int = 64


@dataclass
class Garbage:
    """Answer 200 with a body that is not JSON."""

    body: bytes = b'{"id": "file-abc", "object": "fi'
    after: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (Ctrl-C, a dropped socket) is part of the test, not noise."""


class FakeAPI:
    """Routes, state and the recording; subclasses define `route(request) -> Reply`."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.faults: dict[tuple[str, str], deque[Any]] = defaultdict(deque)
        self.hook: Callable[[Recorded], None] | None = None  # runs on each request, first
        self.lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> FakeAPI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, method: str, path: str, *faults: Any) -> None:
        """Queue faults for the next requests matching method and path (a regex)."""
        self.faults[(method, path)].extend(faults)

    def sent(self, method: str, pattern: str = "") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    def error_body(self, status: int, message: str) -> Any:
        return {"error": {"message": message, "type": "invalid_request_error", "code": None}}

    def route(self, request: Recorded) -> Reply:
        raise NotImplementedError

    def _fault(self, method: str, path: str) -> Any:
        with self.lock:
            for (m, pattern), queue in self.faults.items():
                if m == method and re.fullmatch(pattern, path) and queue:
                    return queue.popleft()
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                split = urlsplit(self.path)
                fault = api._fault(self.command, split.path)
                length = int(self.headers.get("content-length") or 0)
                if isinstance(fault, Drop):
                    self.rfile.read(min(fault.read, length))
                    with api.lock:
                        api.requests.append(Recorded(self.command, split.path,
                                                     parse_qs(split.query), {}, b"<dropped>"))
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                body = self.rfile.read(length) if length else b""
                recorded = Recorded(self.command, split.path, parse_qs(split.query),
                                    {k.lower(): v for k, v in self.headers.items()}, body)
                with api.lock:
                    api.requests.append(recorded)
                if api.hook is not None:
                    api.hook(recorded)
                if isinstance(fault, Status) and not fault.after:
                    reply = Reply(fault.status, api.error_body(fault.status, fault.message))
                elif isinstance(fault, Garbage) and not fault.after:
                    reply = Reply(200, fault.body, {"content-type": "application/json"})
                else:
                    with api.lock:
                        reply = api.route(recorded)
                    if isinstance(fault, Status):
                        reply = Reply(fault.status, api.error_body(fault.status, fault.message))
                    elif isinstance(fault, Garbage):
                        reply = Reply(200, fault.body, {"content-type": "application/json"})
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                data = reply.body if isinstance(reply.body, bytes) else json.dumps(
                    reply.body).encode()
                self.send_response(reply.status)
                headers = {"content-type": "application/json", **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        return Handler
