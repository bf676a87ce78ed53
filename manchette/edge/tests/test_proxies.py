"""Behind trusted proxies, the reader's address and scheme: the same on the fast path and the ASGI path."""

import asyncio

import pytest
from django.core.handlers.asgi import ASGIRequest

from manchette.edge.app import EdgeCache
from manchette.edge.proxies import TrustedProxies
from manchette.edge.stack import Stack
from manchette.edge.store import PageStore
from manchette.edge.versions import Versions
from manchette.testing.servers import free_port

from .test_protocol import Connection, Layer, request, start_server
from .test_queries import Recording

PROXIES = TrustedProxies(["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"])


def forwarded(peer, **headers):
    names = {"for_": b"x-forwarded-for", "proto": b"x-forwarded-proto"}
    return PROXIES.resolve((peer, 4321), "http", [(names[name], value.encode()) for name, value in headers.items()])


def test_nobody_is_trusted_by_default():
    assert not TrustedProxies([])
    headers = [(b"x-forwarded-for", b"203.0.113.9"), (b"x-forwarded-proto", b"https")]
    assert TrustedProxies([]).resolve(("10.0.0.1", 1), "http", headers) == (("10.0.0.1", 1), "http")


def test_headers_from_an_untrusted_peer_are_ignored():
    assert forwarded("203.0.113.5", for_="198.51.100.1", proto="https") == (("203.0.113.5", 4321), "http")


def test_a_trusted_proxy_gives_the_rightmost_address_it_does_not_trust():
    assert forwarded("10.1.2.3", for_="198.51.100.1", proto="https") == (("198.51.100.1", 0), "https")
    # What the reader wrote themselves is left of the address the first proxy saw.
    assert forwarded("10.1.2.3", for_="1.1.1.1, 198.51.100.1, 10.9.9.9")[0] == ("198.51.100.1", 0)
    assert forwarded("192.0.2.1", for_="[2001:db9::5]:443, 192.0.2.1")[0] == ("2001:db9::5", 0)
    assert forwarded("::ffff:10.0.0.2", for_="198.51.100.7:1234")[0] == ("198.51.100.7", 0)
    # Garbage where the nearest address should be: the proxy's own address stays.
    assert forwarded("10.1.2.3", for_="1.1.1.1, unknown")[0] == ("10.1.2.3", 4321)
    # Only trusted proxies in the list: the farthest one.
    assert forwarded("10.1.2.3", for_="10.0.0.7, 10.0.0.8")[0] == ("10.0.0.7", 0)


def test_the_scheme_is_the_last_one_given_and_only_http_or_https():
    assert forwarded("10.1.2.3", proto="http, https")[1] == "https"
    assert forwarded("10.1.2.3", proto="HTTPS")[1] == "https"
    assert forwarded("10.1.2.3", proto="gopher")[1] == "http"
    assert forwarded("10.1.2.3")[1] == "http"


def test_every_layer_and_django_see_the_reader():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope)

    scope = {
        "type": "http", "method": "GET", "path": "/", "query_string": b"", "scheme": "http", "client": ("10.0.0.1", 5555),
        "headers": [(b"host", b"journal.example"), (b"x-forwarded-for", b"198.51.100.1"), (b"x-forwarded-proto", b"https")],
    }
    asyncio.run(Stack(app, proxies=PROXIES)(scope, None, None))
    asyncio.run(Stack(app)(scope, None, None))
    assert (seen[0]["client"], seen[0]["scheme"]) == (("198.51.100.1", 0), "https")
    assert (seen[1]["client"], seen[1]["scheme"]) == (("10.0.0.1", 5555), "http")
    request = ASGIRequest(seen[0], None)
    assert request.META["REMOTE_ADDR"] == "198.51.100.1" and request.is_secure()


@pytest.fixture
def behind(tmp_path):
    """serve(proxies) -> (port, newsroom, outer layer): a server with the fast path, the test being its proxy."""
    started = []

    def start(proxies):
        newsroom = Recording()
        edge = EdgeCache(newsroom, store=PageStore(100, 10**7), versions=Versions(tmp_path / f"v{len(started)}"))
        outer = Layer(edge)
        port = free_port()
        started.append(start_server(Stack(outer, edge=edge, proxies=proxies), port))
        return port, newsroom, outer

    yield start
    for server, thread in started:
        server.should_exit = True
        thread.join(10)


def answer(port, *headers):
    connection = Connection(port)
    try:
        connection.send(request("/monde/", headers=headers))
        status, response_headers, _ = connection.answer()
        return status, response_headers["x-cache"][0]
    finally:
        connection.close()


def test_the_fast_path_keys_pages_by_the_scheme_a_trusted_proxy_gives(behind):
    port, newsroom, outer = behind(TrustedProxies(["127.0.0.1"]))
    https = "X-Forwarded-Proto: https"
    assert answer(port, https, "X-Forwarded-For: 198.51.100.1") == (200, "MISS")
    calls = outer.calls
    assert answer(port, https) == (200, "HIT")
    assert outer.calls == calls, "answered by the fast path"
    # The same page by http is another entry.
    assert answer(port) == (200, "MISS")
    assert answer(port, "X-Forwarded-Proto: http") == (200, "HIT")
    assert newsroom.schemes == ["https", "http"]


def test_the_fast_path_ignores_the_headers_of_an_untrusted_peer(behind):
    port, newsroom, outer = behind(TrustedProxies(["10.0.0.0/8"]))
    assert answer(port) == (200, "MISS")
    calls = outer.calls
    assert answer(port, "X-Forwarded-Proto: https") == (200, "HIT")
    assert outer.calls == calls
    assert newsroom.schemes == ["http"]
