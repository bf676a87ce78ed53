"""Error reports: what reaches a Sentry-compatible service carries nothing personal.

The service is a local HTTP sink that records what sentry-sdk sends. The error is a real one: a reader asks for
a password reset while the site's Redis is down, so the limit on those requests (accounts/middleware.py) cannot
count and the request fails with a 500. The reader sent cookies, a bearer token, a forwarded address, and an
e-mail address in the body and the query."""

import gzip
import hashlib
import http.client
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest

from manchette.operations.sentry import REMOVED, scrub

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "lecteur.fidele@example.com"
SESSION = "sessiondulecteur0123456789"
TOKEN = "jeton-secret-du-lecteur"
FORWARDED = "203.0.113.9"


class Sink(BaseHTTPRequestHandler):
    """Records each envelope sentry-sdk posts, decompressed."""

    envelopes = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        body = gzip.decompress(body) if encoding == "gzip" else brotli.decompress(body) if encoding == "br" else body
        self.envelopes.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sink():
    handler = type("Recorder", (Sink,), {"envelopes": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler.envelopes
    server.shutdown()
    server.server_close()


def items(envelope):
    """The (item header, payload) pairs of a Sentry envelope: a header line, then each item's header and payload."""
    _, _, rest = envelope.partition(b"\n")
    found = []
    while rest.strip():
        line, _, rest = rest.partition(b"\n")
        header = json.loads(line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"]:].removeprefix(b"\n")
        else:
            payload, _, rest = rest.partition(b"\n")
        found.append((header, payload))
    return found


def events(envelopes):
    return [json.loads(payload) for _, envelope in envelopes for header, payload in items(envelope) if header["type"] == "event"]


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "nothing arrived in time"
        time.sleep(0.1)


class Browser:
    """A reader's requests to a server, cookies kept by hand."""

    def __init__(self, server):
        self.port = server.port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {"Host": f"127.0.0.1:{self.port}", "Cookie": cookie, **(headers or {})}
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or ():
                name, _, rest = header.partition("=")
                self.cookies[name] = rest.split(";")[0]
            return response.status, response.read().decode()
        finally:
            connection.close()


def test_an_error_in_a_request_reaches_the_service_without_anything_personal(home, servers, redis_server, sink):
    port, envelopes = sink
    server = servers(
        REDIS_URL=redis_server.url, SENTRY_DSN=f"http://clepublique@127.0.0.1:{port}/7",
        SENTRY_ENVIRONMENT="recette", SENTRY_RELEASE="manchette@essai-1",
    )
    reader = Browser(server)
    status, page = reader.request("GET", "/compte/password/reset/")
    assert status == 200
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    reader.cookies["sessionid"] = SESSION
    redis_server.stop()
    status, _ = reader.request(
        "POST", f"/compte/password/reset/?email={EMAIL.replace('@', '%40')}&source=lettre",
        body=f"csrfmiddlewaretoken={form_token}&email={EMAIL.replace('@', '%40')}",
        headers={
            "Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Bearer {TOKEN}",
            "X-Forwarded-For": FORWARDED, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        },
    )
    assert status == 500

    def reported():
        return [event for event in events(envelopes) if "/compte/password/reset/" in event.get("request", {}).get("url", "")]

    wait_for(reported)
    event = reported()[0]
    assert envelopes[0][0] == "/api/7/envelope/"
    assert (event["environment"], event["release"]) == ("recette", "manchette@essai-1")
    assert event["exception"]["values"][-1]["type"] in ("ConnectionInterrupted", "ConnectionError")
    request = event["request"]
    assert request["method"] == "POST"
    assert request["query_string"] == f"email={REMOVED}&source={REMOVED}"
    assert {"cookies", "data", "env"}.isdisjoint(request)
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert headers["cookie"] == headers["authorization"] == headers["x-forwarded-for"] == REMOVED
    assert set(event.get("user", {})) <= {"id"}
    # Nothing personal anywhere in what arrived, whatever the part of the event.
    everything = b"".join(envelope for _, envelope in envelopes).decode()
    # The limit's cache key names the reader's address, hashed (accounts/middleware.py).
    counted = hashlib.sha256(b"address:127.0.0.1").hexdigest()
    for personal in (counted, EMAIL, EMAIL.replace("@", "%40"), SESSION, reader.cookies["csrftoken"], form_token, TOKEN, FORWARDED, "127.0.0.1"):
        assert personal not in everything, everything[max(0, everything.find(personal) - 300):everything.find(personal) + 100]


def test_scrub_keeps_the_user_id_and_takes_out_addresses_everywhere():
    event = {
        "user": {"id": 42, "email": "lea@example.com", "username": "lea", "ip_address": "198.51.100.4"},
        "request": {
            "url": "https://journal.example/newsletters/desabonnement/MTI:1uXyZ:abcDEF123/",
            "query_string": "q=mon+voisin&page=2",
            "headers": {"Cookie": "sessionid=x", "X-Real-Ip": "198.51.100.4", "User-Agent": "Firefox", "Accept": "*/*"},
            "cookies": {"sessionid": "x"}, "data": {"email": "lea@example.com"}, "env": {"REMOTE_ADDR": "198.51.100.4"},
        },
        "exception": {"values": [{"type": "IntegrityError", "value": "Key (email)=(lea@example.com) already exists"}]},
        "breadcrumbs": {"values": [
            {"message": "reader 2001:db8::7 at 12:30:45 with python 3.11.2 on ::ffff:192.0.2.1"},
            {"message": "Error 111 connecting to 10.0.0.5:6379. Connection refused. Version 1.2.3.4.5, host:192.0.2.8."},
            {"category": "redis", "message": "SET 'manchette:1:password-reset:5cb0' [Filtered]",
             "data": {"redis.command": "SET", "redis.key": "manchette:1:password-reset:5cb0"}},
        ]},
    }
    scrubbed = scrub(event)
    assert scrubbed["user"] == {"id": 42}
    assert scrubbed["request"] == {
        "url": f"https://journal.example/newsletters/desabonnement/{REMOVED}/",
        "query_string": f"q={REMOVED}&page={REMOVED}",
        "headers": {"Cookie": REMOVED, "X-Real-Ip": REMOVED, "User-Agent": "Firefox", "Accept": "*/*"},
    }
    assert scrubbed["exception"]["values"][0]["value"] == f"Key (email)=({REMOVED}) already exists"
    assert [crumb["message"] for crumb in scrubbed["breadcrumbs"]["values"]] == [
        f"reader {REMOVED} at 12:30:45 with python 3.11.2 on {REMOVED}",
        f"Error 111 connecting to {REMOVED}:6379. Connection refused. Version 1.2.3.4.5, host:{REMOVED}.",
        "SET",
    ]
    assert scrubbed["breadcrumbs"]["values"][2]["data"] == {"redis.command": "SET"}
    assert "user" not in scrub({"user": {"email": "lea@example.com"}})
