"""uvicorn's HTTP/1.1 protocol, with the edge cache answered from the parser's callbacks.

An ASGI request costs the server a scope, a task and several sends: on this kind of machine that caps a
Python server near 45,000 requests/s whatever the application does. A reader's request that the edge
cache can answer now skips all of it: once the headers are parsed, the stored bytes are written to the
socket. Everything else (misses, logged-in readers, POST, the live stream, pipelined requests behind a
pending answer, a client not reading its answers) takes uvicorn's ordinary path into the same application.

A request answered here is recorded for the access log and the metrics as one tuple appended to a list
(`stack.recorder.records`, see manchette/operations/accesslog.py): the lines are written, and the counts
made, later and in batches.

It also refuses what uvicorn alone would take: request lines, headers and heads past their limits (httptools
gathers a whole header before calling back, so the bytes of an unfinished head are counted as they arrive),
connections that do not finish their head in time, and connections past the concurrency limit, which are
answered 503 at once so that the process never runs out of file descriptors.
"""

import asyncio
import functools
import resource
import urllib.parse
from time import perf_counter
from typing import NamedTuple

import httptools
from django.conf import settings
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .stack import Stack


class Limits(NamedTuple):
    url_bytes: int
    header_bytes: int
    head_bytes: int
    headers: int
    head_seconds: float
    body_seconds: float
    connections: int


@functools.cache
def limits():
    return Limits(
        settings.HTTP_MAX_URL_BYTES, settings.HTTP_MAX_HEADER_BYTES, settings.HTTP_MAX_HEAD_BYTES,
        settings.HTTP_MAX_HEADERS, settings.HTTP_HEAD_TIMEOUT_SECONDS, settings.HTTP_BODY_TIMEOUT_SECONDS,
        connection_limit(settings.HTTP_MAX_CONNECTIONS),
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


class Sweeper:
    """Once a second, closes the connections of a server that took too long over a head or a body."""

    @classmethod
    def start(cls, server_state, loop, limits):
        sweeper = getattr(server_state, "edge_sweeper", None)
        if sweeper is None:
            sweeper = server_state.edge_sweeper = cls(server_state, loop, limits)
        return sweeper

    def __init__(self, server_state, loop, limits):
        self.connections = server_state.connections
        self.loop = loop
        self.interval = min(1.0, limits.head_seconds / 4)
        # The clock connections read when a head or body starts: a call to the loop's clock per request
        # costs the fast path more than this precision is worth.
        self.now = self.loop.time()
        self.loop.call_later(self.interval, self.sweep)

    def sweep(self):
        now = self.now = self.loop.time()
        for connection in list(self.connections):
            swept = getattr(connection, "swept", None)
            if swept is not None:
                swept(now)
        self.loop.call_later(self.interval, self.sweep)


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
        recorder = self.stack.recorder if self.stack is not None else None
        self.records = recorder.records if recorder is not None and recorder.started else None
        self.received_at = 0.0
        # Of the request the fast path is answering: its method, and its reader's address (proxies.py).
        self.method = ""
        self.reader = None
        self.limits = limits()
        # Below this many bytes of headers (and the URL within its own limit), no limit on a head can be broken:
        # on_header checks them only past it.
        self.quick_head_bytes = min(self.limits.header_bytes, self.limits.head_bytes - self.limits.url_bytes)
        self.refused = None
        # Reading a head: since when (loop time; None while an answer is on its way or after the head), its
        # bytes not yet parsed into whole headers, the length of those that are.
        self.head_since = None
        self.head_bytes = 0
        self.head_length = 0
        self.reading_head = True
        self.head_begun = False
        self.ended_here = False  # a request ended within the chunk being parsed
        # Reading a body: when it last moved, or None; bytes received since (a trailer is never-ending otherwise).
        self.body_since = None
        self.stalled_bytes = 0
        self.body_moved = False
        # Since when a keep-alive connection waits for its next request after an answer written here (the
        # sweep closes it after uvicorn's keep-alive delay, give or take a sweep: a timer per request, made and
        # cancelled, cost the fast path more than the rest of its answer).
        self.idle_since = None

    # Limits. Times are checked by one sweep a second per process (Sweeper), not by a timer per request.

    def connection_made(self, transport):
        super().connection_made(transport)
        if len(self.connections) > self.limits.connections:
            self.refused = BUSY
            self.transport.write(BUSY)
            self.transport.close()
            self._record_refusal(503)
            return
        # A connection must send a whole head in time, the first one counted from now.
        self.sweeper = Sweeper.start(self.server_state, self.loop, self.limits)
        self.head_since = self.sweeper.now

    def swept(self, now):
        """Closes this connection if it took too long over a head or a body, or idled too long after an answer
        written here (Sweeper)."""
        if self.head_since is not None and now - self.head_since > self.limits.head_seconds:
            # A connection that said nothing is just closed; a head begun and not finished gets a 408.
            self._refuse(TOO_SLOW if self.head_begun else None)
        elif (
            self.body_since is not None and now - self.body_since > self.limits.body_seconds
            and not self.flow.read_paused  # the application has not taken what came yet: not the client's doing
        ):
            self._refuse(None)
        elif self.idle_since is not None and now - self.idle_since > self.timeout_keep_alive:
            self.idle_since = None
            self.timeout_keep_alive_handler()

    def data_received(self, data):
        if self.refused is not None:
            return
        self.ended_here = False
        self.idle_since = None
        self.received_at = perf_counter()
        # uvicorn's data_received, with our refusals; kept lean, as everything a whole request goes through.
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
            self.timeout_keep_alive_task = None
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except httptools.HttpParserError:
            if self.refused is not None:
                return self._refuse(self.refused)
            self.logger.warning("Invalid HTTP request received.")
            self._record_refusal(400)
            return self.send_400_response("Invalid HTTP request received.")
        if not (self.ended_here and self.reading_head):  # a head or a body left unfinished: rare, and watched
            self._unfinished(len(data))

    def _unfinished(self, size):
        if self.reading_head:
            # No request ended in this chunk and a head is being read: all its bytes are that head's, which
            # httptools keeps until each header is whole. (After a request ended within a chunk, the next head
            # counts from the next chunk: at most one read more than the limit is ever held.)
            if not self.ended_here:
                self.head_begun = True
                self.head_bytes += size
                if self.head_bytes > self.limits.head_bytes:
                    return self._refuse(HEAD_TOO_LARGE)
            if self.head_since is None and (self.cycle is None or self.cycle.response_complete):
                # Whatever comes between requests gets no more time than a head (not even blank lines); bytes
                # that come while an answer is written wait for it, under uvicorn's keep-alive delay after.
                self.head_since = self.sweeper.now
        elif self.body_moved:
            self.body_moved = False
            self.stalled_bytes = 0
        elif self.body_since is None:
            self.body_since = self.sweeper.now  # a body is awaited: it must not stand still
        else:
            # Past the head, bytes that moved no body forward (a chunk's extensions, a trailer) are a head too.
            self.stalled_bytes += size
            if self.stalled_bytes > self.limits.head_bytes:
                self._refuse(HEAD_TOO_LARGE)

    def _refuse(self, answer):
        self.refused = answer or b""
        self.head_since = self.body_since = None
        if not self.transport.is_closing():
            if answer:
                self.transport.write(answer)
                self._record_refusal(int(answer[9:12]))
            self.transport.close()

    def _record_refusal(self, status):
        """A request refused here goes to the access log too, with what was read of it (perhaps nothing)."""
        if self.records is not None:
            url = getattr(self, "url", b"")  # none before a request line began
            method = "-"
            if url:
                try:
                    method = self.parser.get_method().decode()
                except (httptools.HttpParserError, UnicodeDecodeError):
                    pass
            client = self.client
            if self.stack.proxies and self.headers:
                client = self.stack.proxies.resolve(client, self.scheme, self.headers)[0]
            now = perf_counter()
            self.records.append((
                now, client, method, url, "1.1", status, 0, now - self.received_at if self.received_at else 0.0, "",
                b"", b"",
            ))

    def _refusing(self, answer):
        self.refused = answer
        raise Refused(answer)

    def on_body(self, body):
        self.body_moved = True
        self.body_since = self.sweeper.now
        super().on_body(body)

    # on_message_begin, on_url and on_header are uvicorn's, with the limits: called for every request or header,
    # they stay lean.

    def on_message_begin(self):
        # Without the ASGI scope, which a request answered from the cache never needs: made by _scope() when the
        # request takes the ordinary path.
        self.url = b""
        self.expect_100_continue = False
        self.headers = []

    def _scope(self):
        """uvicorn's scope of the request (its on_message_begin's), before its on_headers_complete fills it in."""
        return {
            "type": "http",
            "asgi": {"version": self.asgi_version, "spec_version": "2.3"},
            "http_version": "1.1",
            "server": self.server,
            "client": self.client,
            "scheme": self.scheme,
            "root_path": self.root_path,
            "headers": self.headers,
            "state": self.app_state.copy(),
        }

    def on_url(self, url):
        self.url += url
        if len(self.url) > self.limits.url_bytes:
            self._refusing(URL_TOO_LONG)

    def on_header(self, name, value):
        # Called for each header of each request (a browser sends a dozen): uvicorn's Expect is read by the
        # ordinary path only (_expects_100_continue), and the limits are checked once the head is long enough
        # to break one.
        self.head_length += len(name) + len(value) + 4
        if self.head_length > self.quick_head_bytes:
            self._check_header(name, value)
        self.headers.append((name.lower(), value))

    def _check_header(self, name, value):
        if len(name) + len(value) > self.limits.header_bytes or self.head_length + len(self.url) > self.limits.head_bytes:
            self._refusing(HEAD_TOO_LARGE)

    def _expects_100_continue(self):
        return any(name == b"expect" and value.lower() == b"100-continue" for name, value in self.headers)

    def on_message_complete(self):
        self.reading_head = True
        self.ended_here = True
        if self.body_since is not None or self.stalled_bytes:
            self.body_since = None
            self.stalled_bytes = 0
            self.body_moved = False
        # uvicorn's
        if (self.parser.should_upgrade() and self._should_upgrade()) or self.cycle.response_complete:
            return
        self.cycle.more_body = False
        self.cycle.message_event.set()

    # The fast path

    def on_headers_complete(self):
        self.reading_head = False
        self.head_length = 0
        if self.head_since is not None or self.head_bytes:
            self.head_since = None
            self.head_bytes = 0
            self.head_begun = False
        if len(self.headers) > self.limits.headers:
            self._refusing(HEAD_TOO_LARGE)  # their bytes are capped as they come: counted once, here
        # As uvicorn decides for its own answers: HTTP/1.0 connections close after one.
        version = self.parser.get_http_version()
        keep_alive = version != "1.0" and self.parser.should_keep_alive()
        answer = self._cached_answer(keep_alive)
        if answer is None:
            self.scope = self._scope()
            self.expect_100_continue = self._expects_100_continue()
            return super().on_headers_complete()
        if answer[1]:
            self.transport.writelines(answer)
        else:
            self.transport.write(answer[0])
        self.cycle = ANSWERED
        self.server_state.total_requests += 1
        if self.records is not None:
            # accesslog.RECORD; the reader's address is worked out when the line is written.
            read = self.edge.answered
            now = perf_counter()
            self.records.append((
                now, self.reader, self.method, self.url, version, read.status, len(answer[1]), now - self.received_at, "HIT",
                read.agent, read.referer,
            ))
        if keep_alive:
            self.idle_since = self.sweeper.now
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
        # The server's own header lines, made again when uvicorn renews its default headers (Date, once a second,
        # by replacing the list): not a method of their own, which would cost a call per request.
        headers = self.server_state.default_headers
        cached = getattr(self.server_state, "edge_server_headers", None)
        if cached is None or cached[0] is not headers:
            cached = (headers, b"".join(b"%s: %s\r\n" % header for header in headers))
            self.server_state.edge_server_headers = cached
        server_headers = cached[1]
        if not keep_alive:
            server_headers += b"connection: close\r\n"
        method = self.method = self.parser.get_method().decode()
        # The reader and scheme the ASGI path would see behind a trusted proxy (edge/proxies.py): the scheme is
        # part of the key, the reader's address goes to the access log.
        if self.stack.proxies:
            self.reader, scheme = self.stack.proxies.resolve(self.client, self.scheme, self.headers)
        else:
            self.reader, scheme = self.client, self.scheme
        return self.edge.answer(method, self.root_path + path, url.query or b"", self.headers, server_headers, scheme)

    def shutdown(self):
        # uvicorn calls this for each open connection as it begins to stop.
        if self.stack is not None:
            self.stack.stopping()
        super().shutdown()
