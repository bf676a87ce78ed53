"""The server's fast path (edge/protocol.py): a real uvicorn server on a socket, read byte for byte.

A cached page must come back exactly as the ASGI path would send it, and everything the fast path does
not take (misses, personal requests, pipelined requests, HEAD, a closing connection) must still be right.
"""

import socket
import threading
import time

import pytest
import uvicorn

from manchette.edge.app import EdgeCache
from manchette.edge.protocol import EdgeHttpProtocol
from manchette.edge.stack import Stack
from manchette.edge.store import PageStore
from manchette.edge.versions import Versions
from manchette.testing.servers import free_port

from .test_app import PAGE, Newsroom


class Layer:
    """An outer layer, as the live streams are in front of the edge in manchette.asgi."""

    def __init__(self, app):
        self.app = app
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await self.app(scope, receive, send)


def start_server(app, port, **config):
    """(server, thread): uvicorn with the fast path on PORT, in a thread of this process, once it serves."""
    server = uvicorn.Server(uvicorn.Config(
        app, host="127.0.0.1", port=port, http=EdgeHttpProtocol, lifespan="off", ws="none", log_level="warning",
        proxy_headers=False, **config,
    ))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    return server, thread


@pytest.fixture
def served(tmp_path):
    """(port, newsroom, edge, outer layer) of a uvicorn server with the fast path, in a thread of this process."""
    newsroom = Newsroom()
    edge = EdgeCache(newsroom, store=PageStore(100, 10**7), versions=Versions(tmp_path / "edge-versions"))
    outer = Layer(edge)
    port = free_port()
    # As `manchette serve` runs it: uvicorn would otherwise wrap the stack in its proxy headers layer.
    server, thread = start_server(Stack(outer, edge=edge), port, timeout_keep_alive=1)
    yield port, newsroom, edge, outer
    server.should_exit = True
    thread.join(10)


class Connection:
    def __init__(self, port):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.pending = b""

    def send(self, raw):
        self.socket.sendall(raw)

    def answer(self, head=False):
        """(status, headers as a dict of lists, body) of the next answer on the connection."""
        while b"\r\n\r\n" not in self.pending:
            self._read()
        block, self.pending = self.pending.split(b"\r\n\r\n", 1)
        status_line, *lines = block.split(b"\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(b":")
            headers.setdefault(name.strip().lower().decode(), []).append(value.strip().decode())
        length = 0 if head else int(headers["content-length"][0])
        while len(self.pending) < length:
            self._read()
        body, self.pending = self.pending[:length], self.pending[length:]
        return int(status_line.split()[1]), headers, body

    def closed(self):
        """True once the server has closed its side (after what is still pending)."""
        try:
            return self.socket.recv(1) == b""
        except TimeoutError:
            return False

    def _read(self):
        data = self.socket.recv(65536)
        assert data, "the server closed the connection before a whole answer"
        self.pending += data

    def close(self):
        self.socket.close()


def request(path="/monde/", method="GET", headers=(), version="1.1"):
    lines = [f"{method} {path} HTTP/{version}", "Host: journal.example", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.fixture
def connection(served):
    opened = Connection(served[0])
    yield opened
    opened.close()


def test_a_cached_page_comes_back_as_the_asgi_path_sent_it(served, connection):
    _, newsroom, _, outer = served
    connection.send(request())
    miss = connection.answer()
    connection.send(request())
    hit = connection.answer()
    assert newsroom.renders == 1
    # The hit never entered the application: the protocol answered it from the parser's callbacks.
    assert outer.calls == 1
    assert miss[0] == hit[0] == 200
    assert miss[2] == hit[2] == PAGE
    assert miss[1].pop("x-cache") == ["MISS"] and hit[1].pop("x-cache") == ["HIT"]
    # Same header lines, each once, whichever path sent them (the date and age may tick between the two).
    for answer in (miss, hit):
        answer[1].pop("date")
        answer[1].pop("age", None)
    assert hit[1] == miss[1]
    assert hit[1]["content-length"] == [str(len(PAGE))]


def test_age_and_date_come_with_every_hit(served, connection):
    for _ in range(2):
        connection.send(request())
        _, headers, _ = connection.answer()
    assert headers["x-cache"] == ["HIT"]
    assert headers["age"] == ["0"]
    assert headers["date"][0].endswith(" GMT")


def test_gzip_readers_get_the_compressed_copy(served, connection):
    import gzip

    accept = ["Accept-Encoding: gzip, deflate"]
    connection.send(request(headers=accept))
    connection.answer()
    connection.send(request(headers=accept))
    _status, headers, body = connection.answer()
    assert headers["x-cache"] == ["HIT"] and headers["content-encoding"] == ["gzip"]
    assert gzip.decompress(body) == PAGE
    connection.send(request())
    assert connection.answer()[2] == PAGE


def test_head_gets_the_headers_only(served, connection):
    connection.send(request())
    connection.answer()
    connection.send(request(method="HEAD"))
    status, headers, _body = connection.answer(head=True)
    assert status == 200 and headers["x-cache"] == ["HIT"]
    assert headers["content-length"] == [str(len(PAGE))]
    # The next answer on the connection starts right after the head: nothing of a body came.
    connection.send(request())
    assert connection.answer()[2] == PAGE


def test_personal_requests_and_writes_always_reach_the_application(served, connection):
    _, newsroom, _, _ = served
    connection.send(request())
    connection.answer()
    connection.send(request(headers=["Cookie: manchette_equipe=1; sessionid=abc"]))
    assert "x-cache" not in connection.answer()[1]
    assert newsroom.renders == 2
    connection.send(request(method="POST", headers=["Content-Length: 2"]) + b"ok")
    connection.answer()
    assert newsroom.renders == 3
    assert newsroom.request_bodies[-1] == b"ok"


def test_a_closing_request_is_answered_then_the_connection_closes(served):
    port = served[0]
    warm = Connection(port)
    warm.send(request())
    warm.answer()
    warm.close()
    # HTTP/1.0 closes after one answer, as uvicorn's own answers do, even when it asks to keep alive.
    closing_requests = (
        request(headers=["Connection: close"]), request(version="1.0"),
        request(version="1.0", headers=["Connection: keep-alive"]),
    )
    for closing in closing_requests:
        connection = Connection(port)
        connection.send(closing)
        _status, headers, body = connection.answer()
        assert headers["x-cache"] == ["HIT"] and body == PAGE
        assert headers["connection"] == ["close"]
        assert connection.closed()
        connection.close()


def test_pipelined_requests_are_answered_in_order(served, connection):
    _, newsroom, _, outer = served
    connection.send(request("/cache/"))
    connection.answer()
    # A miss, then two hits behind it in the same packet: the hits must wait for the miss's answer.
    newsroom.delay = 0.2
    connection.send(request("/lent/") + request("/cache/") + request("/lent/"))
    answers = [connection.answer() for _ in range(3)]
    assert [a[1]["x-cache"] for a in answers] == [["MISS"], ["HIT"], ["HIT"]]
    assert all(a[2] == PAGE for a in answers)
    # The two queued behind the miss went the ordinary way, through the application.
    assert outer.calls == 4


def test_an_encoded_path_shares_the_key_of_the_asgi_path(served, connection):
    _, newsroom, edge, _ = served
    path = "/soci%C3%A9t%C3%A9/"
    connection.send(request(path))
    connection.answer()
    assert (b"journal.example", "/société/", b"", "http") in edge.store
    connection.send(request(path))
    assert connection.answer()[1]["x-cache"] == ["HIT"]
    assert newsroom.renders == 1


def test_the_query_string_is_part_of_the_key(served, connection):
    _, newsroom, _, _ = served
    for query in ("?page=2", "?page=2", "?page=3"):
        connection.send(request("/monde/" + query))
        connection.answer()
    assert newsroom.renders == 2


def test_a_publication_makes_the_next_request_a_miss(served, connection):
    _, newsroom, edge, _ = served
    connection.send(request())
    connection.answer()
    edge.versions.invalidate(["page-7"])
    connection.send(request())
    assert connection.answer()[1]["x-cache"] == ["MISS"]
    assert newsroom.renders == 2


def test_a_not_found_page_is_kept_with_its_status(served, connection):
    _, newsroom, _, _ = served
    newsroom.status = 404
    for _ in range(2):
        connection.send(request("/introuvable/"))
        status, headers, _ = connection.answer()
    assert status == 404 and headers["x-cache"] == ["HIT"]
    assert newsroom.renders == 1


def test_garbage_gets_a_400_and_the_server_goes_on(served):
    port = served[0]
    bad = Connection(port)
    bad.send(b"GET /\x00 HTTP/1.1\r\n\r\n")
    assert bad.answer()[0] == 400
    bad.close()
    good = Connection(port)
    good.send(request())
    assert good.answer()[0] == 200
    good.close()


def test_an_idle_connection_is_closed_after_the_keep_alive_delay(served, connection):
    connection.send(request())
    connection.answer()
    connection.send(request())
    assert connection.answer()[1]["x-cache"] == ["HIT"]
    connection.socket.settimeout(3)
    assert connection.closed()



def test_a_logged_in_reader_gets_the_shared_page_on_the_fast_path(served, connection):
    _, newsroom, _, outer = served
    connection.send(request())
    anonymous = connection.answer()
    connection.send(request(headers=["Cookie: sessionid=abc; manchette_lecteur=x"]))
    reader = connection.answer()
    assert reader[1]["x-cache"] == ["HIT"] and reader[2] == anonymous[2]
    assert (newsroom.renders, outer.calls) == (1, 1)


def test_a_conditional_request_gets_a_304_on_the_fast_path(served, connection):
    _, _, _, outer = served
    connection.send(request())
    _, headers, _ = connection.answer()
    tag = headers["etag"][0]
    connection.send(request(headers=[f"If-None-Match: {tag}"]))
    status, not_modified, body = connection.answer(head=True)
    assert (status, body, not_modified["etag"], not_modified["x-cache"]) == (304, b"", [tag], ["HIT"])
    assert "content-length" not in not_modified and "content-type" not in not_modified
    assert outer.calls == 1, "answered by the protocol"
    connection.send(request(headers=['If-None-Match: "autre"']))
    assert connection.answer()[0] == 200


# What the server refuses before the application sees anything.

@pytest.fixture
def tight(settings):
    from manchette.edge.protocol import limits

    settings.HTTP_MAX_URL_BYTES = 1000
    settings.HTTP_MAX_HEADER_BYTES = 2000
    settings.HTTP_MAX_HEAD_BYTES = 8000
    settings.HTTP_MAX_HEADERS = 20
    settings.HTTP_HEAD_TIMEOUT_SECONDS = 1
    settings.HTTP_BODY_TIMEOUT_SECONDS = 1
    settings.HTTP_MAX_CONNECTIONS = 4
    limits.cache_clear()
    yield settings
    limits.cache_clear()


def refused_with(connection, status):
    """The answer is STATUS, in French, and the server closes the connection after it."""
    got, headers, body = connection.answer()
    assert got == status and headers["connection"] == ["close"]
    assert "text/plain; charset=utf-8" in headers["content-type"][0] and body.decode().endswith(".\n")
    assert connection.closed()
    return body.decode()


@pytest.mark.parametrize("headers, status", [
    (["X-Grand: " + "a" * 2100], 431),  # one header too long
    ([f"X-Entete-{n}: a" for n in range(25)], 431),  # too many
    ([f"X-Entete-{n}: " + "a" * 1900 for n in range(5)], 431),  # each fine, together too long
])
def test_heads_past_their_limits_are_refused(tight, served, connection, headers, status):
    connection.send(request(headers=headers))
    assert "En-têtes" in refused_with(connection, status)
    assert served[3].calls == 0


def test_a_long_address_counts_towards_the_heads_limit(tight, served, connection):
    # Each header and the address within their own limits; together past the head's.
    connection.send(request(path="/" + "a" * 990, headers=[f"X-Entete-{n}: " + "a" * 1780 for n in range(4)]))
    assert "En-têtes" in refused_with(connection, 431)
    assert served[3].calls == 0


def test_a_client_that_expects_100_continue_gets_it_before_sending_its_body(served, connection):
    _, newsroom, _, _ = served
    connection.send(request(method="POST", headers=["Content-Length: 5", "Expect: 100-Continue"]))
    while b"\r\n\r\n" not in connection.pending:
        connection._read()
    interim, connection.pending = connection.pending.split(b"\r\n\r\n", 1)
    assert interim == b"HTTP/1.1 100 Continue"
    connection.send(b"corps")
    assert connection.answer()[0] == 200
    assert newsroom.request_bodies == [b"corps"]


def test_a_request_line_past_its_limit_is_refused(tight, served, connection):
    connection.send(request(path="/" + "a" * 1100))
    assert "Adresse trop longue" in refused_with(connection, 414)


def test_a_head_within_the_limits_is_answered(tight, served, connection):
    connection.send(request(headers=[f"X-Entete-{n}: " + "a" * 1000 for n in range(6)]))
    assert connection.answer()[0] == 200


def endless(connection, start):
    """Sends START, then bytes that never end it, until the server closes (or 50 MiB): the bytes it took."""
    connection.send(start)
    sent = 0
    try:
        while sent < 50 * 2**20:
            connection.send(b"a" * 65536)
            sent += 65536
    except OSError:
        pass  # the server closed while we sent
    return sent


def test_an_endless_header_is_refused_before_it_ends(tight, served):
    """httptools keeps an unfinished header whole: the server must stop reading it long before its end."""
    connection = Connection(served[0])
    sent = endless(connection, b"GET / HTTP/1.1\r\nHost: journal.example\r\nX-Sans-Fin: ")
    assert sent < 10 * 2**20, "the server kept reading an endless header"
    connection.close()


def test_a_connection_that_says_nothing_is_closed(tight, served, connection):
    started = time.monotonic()
    connection.socket.settimeout(5)
    assert connection.socket.recv(100) == b""
    assert 0.8 < time.monotonic() - started < 3


def test_a_head_sent_too_slowly_is_refused(tight, served, connection):
    started = time.monotonic()
    connection.send(b"GET / HTTP/1.1\r\n")
    for _ in range(3):
        time.sleep(0.3)
        connection.send(b"X-Lent: a\r\n")
    assert "trop lente" in refused_with(connection, 408)
    assert time.monotonic() - started < 3


def test_past_the_connection_limit_the_next_gets_a_french_503_and_the_server_goes_on(tight, served):
    port = served[0]
    held = [Connection(port) for _ in range(4)]
    for connection in held:
        connection.send(request())
        assert connection.answer()[0] == 200
    extra = Connection(port)
    status, headers, body = extra.answer()
    assert (status, headers["retry-after"]) == (503, ["5"]) and "surchargé" in body.decode()
    extra.close()
    held.pop().close()
    time.sleep(0.2)
    again = Connection(port)
    again.send(request())
    assert again.answer()[0] == 200
    for connection in [*held, again]:
        connection.close()


def test_an_endless_trailer_is_refused_before_it_ends(tight, served):
    """After a chunked body's last chunk, httptools keeps a trailer line whole as it does a header."""
    connection = Connection(served[0])
    sent = endless(connection, b"POST /monde/ HTTP/1.1\r\nHost: journal.example\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Sans-Fin: ")
    assert sent < 10 * 2**20, "the server kept reading an endless trailer"
    connection.close()


def test_a_body_that_stands_still_is_closed(tight, served, connection):
    connection.send(b"POST /monde/ HTTP/1.1\r\nHost: journal.example\r\nContent-Length: 100\r\n\r\nabc")
    started = time.monotonic()
    connection.socket.settimeout(5)
    while connection.socket.recv(65536):
        pass
    assert time.monotonic() - started < 3.5


def test_a_head_begun_while_the_answer_is_written_is_not_cut_by_the_head_delay(tight, served):
    """Bytes of the next request that come while an answer is on its way wait for it; they get the
    keep-alive delay after it, and the answer itself is never interrupted."""
    port, newsroom, _, _ = served
    newsroom.delay = 2.5  # longer than the head delay
    connection = Connection(port)
    connection.send(request() + b"GET /monde/ HT")
    status, headers, _ = connection.answer()
    assert status == 200 and "connection" not in headers
    connection.close()
