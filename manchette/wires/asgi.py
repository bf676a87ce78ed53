"""Refuses an oversized sending of wires before the server takes it in.

Django's ASGI handler reads a request's whole body, to memory then to disk, before any view runs: the
endpoint's own check (views.py) comes too late to spare the server a huge upload. This layer, in front of
Django, answers 413 on a declared length over the limit without reading anything, and stops reading a body
without length (chunked) as soon as it passes the limit. What it lets through is handed on unchanged.
"""

import json

from django.urls import reverse

from .views import body_limit, too_large

MAX_DIGITS = 18


class BodyLimit:
    def __init__(self, app):
        self.app = app
        self.path = reverse("wires:receive")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        limit = body_limit()
        if declared_length(scope) > limit:
            return await refuse(send, limit)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return await refuse(send, limit)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)


def declared_length(scope):
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            digits = value.strip()
            # An unreadable length is left to the view, which answers 400; an endless one is too large anyway.
            return int(digits[:MAX_DIGITS]) * 10 ** max(0, len(digits) - MAX_DIGITS) if digits.isdigit() else 0
    return 0


async def refuse(send, limit):
    body = json.dumps({"erreur": too_large(limit), "champ": None}, ensure_ascii=False).encode()
    await send({
        "type": "http.response.start", "status": 413,
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body)), (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})
