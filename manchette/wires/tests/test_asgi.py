"""The size guard in front of Django: an oversized sending is refused before the server takes it in."""

import asyncio
import json

import pytest
from django.core.asgi import get_asgi_application

from manchette.filinfo.models import Dispatch
from manchette.wires.asgi import BodyLimit

from .conftest import sample

URL = "/api/depeches/"


class Client:
    """Sends one request through the guard and the real Django application, counting what is read of it."""

    def __init__(self, guard):
        self.guard = guard
        self.chunks_read = 0

    def post(self, chunks, headers=(), path=URL, method="POST"):
        messages = [{"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1} for i, chunk in enumerate(chunks)]
        sent = []

        async def receive():
            if self.chunks_read < len(messages):
                self.chunks_read += 1
                return messages[self.chunks_read - 1]
            await asyncio.sleep(3600)

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
        }
        asyncio.run(self.guard(scope, receive, send))
        body = b"".join(message.get("body", b"") for message in sent[1:])
        return sent[0]["status"], dict(sent[0]["headers"]), body


@pytest.fixture
def client(settings):
    settings.WIRES_MAX_BODY_BYTES = 1000
    return Client(BodyLimit(get_asgi_application()))


def test_a_declared_length_over_the_limit_is_refused_unread(client):
    status, _headers, body = client.post([b"x" * 5000], headers=[(b"content-length", b"5000")])
    assert status == 413 and client.chunks_read == 0
    assert json.loads(body) == {"erreur": "Envoi trop volumineux (au plus 1000 octets).", "champ": None}


def test_an_absurd_declared_length_is_refused_too(client):
    status, _, _ = client.post([b"{}"], headers=[(b"content-length", b"9" * 5000)])
    assert status == 413 and client.chunks_read == 0


def test_a_body_without_length_is_read_only_up_to_the_limit(client):
    status, _, _ = client.post([b"x" * 600] * 10, headers=[(b"transfer-encoding", b"chunked")])
    assert status == 413 and client.chunks_read == 2


def test_other_requests_go_through_untouched(client):
    # Only POST is guarded; the view itself answers the rest.
    status, headers, _ = client.post([b"x" * 5000], headers=[(b"content-length", b"5000")], method="PUT")
    assert status == 405 and headers[b"Allow"] == b"POST"


@pytest.mark.django_db(transaction=True)
def test_a_body_within_the_limit_reaches_the_endpoint_whole(client, agency, settings, own_redis):
    settings.WIRES_MAX_BODY_BYTES = 5000
    token = agency.generate_token()
    raw = json.dumps(sample("valid/3x_sans_standard.json")).encode()
    status, _, body = client.post([raw[:100], raw[100:]], headers=[(b"authorization", f"Bearer {token}".encode())])
    assert status == 201, body
    assert Dispatch.objects.get().title == "Le festival de Spa dévoile sa programmation"
