"""uvicorn's HTTP/1.1 protocol, with the edge cache answered from the parser's callbacks.

An ASGI request costs the server a scope, a task and several sends: on this kind of machine that caps a
Python server near 45,000 requests/s whatever the application does. A reader's request that the edge
cache can answer now skips all of it: once the headers are parsed, the stored bytes are written to the
socket. Everything else (misses, logged-in readers, POST, the live stream, pipelined requests behind a
pending answer, a client not reading its answers) takes uvicorn's ordinary path into the same application.

It also refuses what uvicorn alone would take: request lines, headers and heads past their limits (httptools
gathers a whole header before calling back, so the bytes of an unfinished head are counted as they arrive),
connections that do not finish their head in time, and connections past the concurrency limit, which are
answered 503 at once so that the process never runs out of file descriptors.
"""

import asyncio
import functools
import resource
import urllib.parse

import httptools
from django.conf import settings
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .stack import Stack


class Limits:
    def __init__(self, url_bytes, header_bytes, head_bytes, headers, head_seconds, connections):
        self.url_bytes = url_bytes
        self.header_bytes = header_bytes
        self.head_bytes = head_bytes
        self.headers = headers
        self.head_seconds = head_seconds
        self.connections = connections


@functools.cache
def limits():
    return Limits(
        settings.HTTP_MAX_URL_BYTES, settings.HTTP_MAX_HEADER_BYTES, settings.HTTP_MAX_HEAD_BYTES,
        settings.HTTP_MAX_HEADERS, settings.HTTP_HEAD_TIMEOUT_SECONDS, connection_limit(settings.HTTP_MAX_CONNECTIONS),
    )


# Descriptors a process needs besides its connections: database and log files, the cache's mapped files,
# sockets to PostgreSQL and Redis, the threads' own.
FILES_RESERVE = 512


def connection_limit(wanted):
    """The connections a process may hold: WANTED, or fewer when its open-file limit is lower, so that it
    answers 503 to the next one instead of failing to accept it. Raises the soft limit to the hard one first."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - min(FILES_RESERVE, soft // 4)))


def refusal(status, reason, message):
    body = message.encode()
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\nx-content-type-options: nosniff\r\n"
        b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (status, reason, len(body), body)
    )


URL_TOO_LONG = refusal(414, b"URI Too Long", "Adresse trop longue.\n")
HEAD_TOO_LARGE = refusal(431, b"Request Header Fields Too Large", "En-têtes de la requête trop grands ou trop nombreux.\n")
TOO_SLOW = refusal(408, b"Request Timeout", "Requête trop lente : la connexion est fermée.\n")
BUSY = refusal(503, b"Service Unavailable", "Le serveur est surchargé, réessayez dans un instant.\n").replace(
    b"connection: close\r\n", b"connection: close\r\nretry-after: 5\r\n"
)


class Refused(Exception):
    """Raised from a parser callback: httptools stops parsing, and data_received answers ANSWER."""

    def __init__(self, answer):
        self.answer = answer


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
        self.limits = limits()
        self.head_bytes = 0  # of the unfinished head, counted as they arrive
        self.reading_head = True
        self.head_timer = None
        self.refused = None
        self.ended_here = False  # a request ended within the chunk being parsed
        self.head_length = 0  # of the headers parsed so far

    # Limits

    def connection_made(self, transport):
        super().connection_made(transport)
        if len(self.connections) > self.limits.connections:
            self.transport.write(BUSY)
            self.transport.close()
            return
        # A connection must send a whole head in time, the first one counted from now.
        self._start_head_timer()

    def connection_lost(self, exc):
        self._stop_head_timer()
        super().connection_lost(exc)

    def _start_head_timer(self):
        if self.head_timer is None:
            self.head_timer = self.loop.call_later(self.limits.head_seconds, self._head_too_slow)

    def _stop_head_timer(self):
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_too_slow(self):
        self.head_timer = None
        if not self.transport.is_closing():
            if self.head_bytes or getattr(self, "url", None):
                self.transport.write(TOO_SLOW)
            self.transport.close()

    def data_received(self, data):
        if self.refused is not None:
            return
        counting = self.reading_head
        self.ended_here = False
        if counting:  # whatever comes between requests gets no more time than a head (not even blank lines)
            self._start_head_timer()
        try:
            super().data_received(data)
        except Refused as refused:  # a callback refused, before uvicorn could answer
            return self._refuse(refused.answer)
        if self.refused is None and self.reading_head and counting and not self.ended_here:
            # Bytes of a head still unfinished (httptools keeps them until a header is whole). A head that
            # follows a request ended within this chunk counts from the next one: at most one read more than
            # the limit is ever held.
            self.head_bytes += len(data)
            if self.head_bytes > self.limits.head_bytes:
                self._refuse(HEAD_TOO_LARGE)

    def send_400_response(self, msg):
        # uvicorn answers a parser error: when one of our callbacks refused, that answer is ours.
        if self.refused is not None:
            return self._refuse(self.refused)
        super().send_400_response(msg)

    def _refuse(self, answer):
        self.refused = answer
        self._stop_head_timer()
        if not self.transport.is_closing():
            self.transport.write(answer)
            self.transport.close()

    def _refusing(self, answer):
        self.refused = answer
        raise Refused(answer)

    def on_message_begin(self):
        super().on_message_begin()
        self.head_length = 0
        self._start_head_timer()

    # on_url and on_header are uvicorn's, with the limits: called for every header, they stay lean.

    def on_url(self, url):
        self.url += url
        if len(self.url) > self.limits.url_bytes:
            self._refusing(URL_TOO_LONG)

    def on_header(self, name, value):
        size = len(name) + len(value)
        self.head_length += size + 4
        if (
            size > self.limits.header_bytes
            or len(self.headers) >= self.limits.headers
            or self.head_length + len(self.url) > self.limits.head_bytes
        ):
            self._refusing(HEAD_TOO_LARGE)
        name = name.lower()
        if name == b"expect" and value.lower() == b"100-continue":
            self.expect_100_continue = True
        self.headers.append((name, value))

    def on_message_complete(self):
        super().on_message_complete()
        self.reading_head = True
        self.head_bytes = 0
        self.ended_here = True

    # The fast path

    def on_headers_complete(self):
        self.reading_head = False
        self.head_bytes = 0
        self._stop_head_timer()
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
        # The scheme the ASGI path would see behind a trusted proxy (edge/proxies.py): it is part of the key.
        scheme = self.stack.proxies.scheme(self.client, self.scheme, self.headers) if self.stack.proxies else self.scheme
        return self.edge.answer(method, self.root_path + path, url.query or b"", self.headers, server_headers, scheme)

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
