"""A real HTTP server on 127.0.0.1 that plays a live source's API in tests, serving recorded responses.

    with StandIn() as api:
        api.route("/api/v1/documents/2023-24283.json", body=path.read_bytes(), etag='"abc"')
        api.route("/flaky", [Reply(status=500), Reply(body=b"ok")])   # one reply per request, the last repeats
        monkeypatch.setenv("ATLAS_FEDERAL_REGISTER_URL", api.url)

A route answers 304 when the request's ``If-None-Match`` equals its ETag. ``Reply`` can also cut the body short
(``truncate_to``: Content-Length says the full size, fewer bytes are sent), wait before answering (``delay``) or
redirect (``headers={"Location": ...}``). ``api.requests`` lists (path, query, headers) of every request served.
Only loopback is ever bound or contacted.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    etag: str | None = None
    truncate_to: int | None = None
    delay: float = 0.0


class StandIn:
    """The server; a context manager. ``url`` is ``http://127.0.0.1:<port>``."""

    def __init__(self):
        self.routes: dict[str, list[Reply]] = {}
        self.served: dict[str, int] = {}
        self.requests: list[tuple[str, str, dict]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):   # quiet
                pass

            def do_GET(self):
                stand_in._serve(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):   # a client that hung up early (size cap, timeout)
                import sys

                if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "StandIn":
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def route(self, path: str, replies: list[Reply] | None = None, **one: object) -> None:
        """Serve ``path`` (query ignored) with ``replies`` in turn (the last one repeats), or one Reply(**one)."""
        self.routes[path] = list(replies) if replies else [Reply(**one)]
        self.served[path] = 0

    def count(self, path: str) -> int:
        """How many requests ``path`` has had."""
        return self.served.get(path, 0)

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        self.requests.append((parts.path, parts.query, dict(handler.headers)))
        replies = self.routes.get(parts.path)
        if replies is None:
            reply = Reply(status=404, body=b'{"status":404,"message":"not found"}')
        else:
            reply = replies[min(self.served[parts.path], len(replies) - 1)]
            self.served[parts.path] += 1
        if reply.delay:
            time.sleep(reply.delay)
        if reply.etag and handler.headers.get("If-None-Match") == reply.etag:
            handler.send_response(304)
            handler.send_header("ETag", reply.etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        body = reply.body
        handler.send_response(reply.status)
        for k, v in reply.headers.items():
            handler.send_header(k, v)
        if reply.etag:
            handler.send_header("ETag", reply.etag)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        sent = body if reply.truncate_to is None else body[:reply.truncate_to]
        try:
            handler.wfile.write(sent)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        if reply.truncate_to is not None:
            handler.close_connection = True
