"""uvicorn's HTTP/1.1 protocol, with the edge cache answered from the parser's callbacks.

An ASGI request costs the server a scope, a task and several sends: on this kind of machine that caps a
Python server near 45,000 requests/s whatever the application does. A reader's request that the edge
cache can answer now skips all of it: once the headers are parsed, the stored bytes are written to the
socket. Everything else (misses, logged-in readers, POST, the live stream, pipelined requests behind a
pending answer, a client not reading its answers) takes uvicorn's ordinary path into the same application.
"""

import asyncio
import urllib.parse

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .stack import Stack


class _Answered:
    """Stands for the request/response cycle of a request answered here: complete as soon as written."""

    response_complete = True
    disconnected = False
    keep_alive = True
    message_event = asyncio.Event()


ANSWERED = _Answered()


class EdgeHttpProtocol(HttpToolsProtocol):
    def __init__(self, config, server_state, app_state, _loop=None):
        super().__init__(config, server_state, app_state, _loop)
        # uvicorn hands over the application it runs: the stack of manchette/asgi.py, or any other ASGI
        # application (then every request takes the ordinary path).
        self.stack = self.app if isinstance(self.app, Stack) else None
        self.edge = self.stack.edge if self.stack is not None else None

    def on_headers_complete(self):
        # As uvicorn decides for its own answers: HTTP/1.0 connections close after one.
        keep_alive = self.parser.get_http_version() != "1.0" and self.parser.should_keep_alive()
        answer = self._cached_answer(keep_alive)
        if answer is None:
            return super().on_headers_complete()
        self.transport.write(answer)
        self.cycle = ANSWERED
        self.server_state.total_requests += 1
        if keep_alive:
            self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)
        else:
            self.transport.close()

    def _cached_answer(self, keep_alive):
        if (
            self.edge is None
            or (self.cycle is not None and not self.cycle.response_complete)
            or self.pipeline
            or self.flow.write_paused
            or self.transport.is_closing()
            or self.parser.should_upgrade()
        ):
            return None
        try:
            url = httptools.parse_url(self.url)
            # The same path as uvicorn puts in the ASGI scope, so that both paths share the cache's keys.
            path = url.path.decode("ascii")
        except (httptools.HttpParserInvalidURLError, UnicodeDecodeError):
            return None
        if "%" in path:
            path = urllib.parse.unquote(path)
        server_headers = self._server_headers()
        if not keep_alive:
            server_headers += b"connection: close\r\n"
        method = self.parser.get_method().decode()
        return self.edge.answer(method, self.root_path + path, url.query or b"", self.headers, server_headers)

    def _server_headers(self):
        # uvicorn renews its default headers (Date) once a second by replacing the list.
        headers = self.server_state.default_headers
        cached = getattr(self.server_state, "edge_server_headers", None)
        if cached is None or cached[0] is not headers:
            cached = (headers, b"".join(b"%s: %s\r\n" % header for header in headers))
            self.server_state.edge_server_headers = cached
        return cached[1]

    def shutdown(self):
        # uvicorn calls this for each open connection as it begins to stop.
        if self.stack is not None:
            self.stack.stopping()
        super().shutdown()
