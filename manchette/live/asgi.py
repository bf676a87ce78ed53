"""ASGI layer: the live stream's path goes to the hub, everything else to the inner application.

A page asks for every topic it shows at once: `/direct/?sujets=filinfo,commentaires-12&depuis=345`.
"""

import asyncio

from . import sse
from .hub import query
from .topics import find

STREAM_PATH = "/direct/"
MAX_TOPICS = 8


class LiveStreams:
    def __init__(self, app, hub):
        self.app = app
        self.hub = hub

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == STREAM_PATH:
            return await self.stream(scope, receive, send)
        await self.app(scope, receive, send)

    async def stream(self, scope, receive, send):
        asked = query(scope).get("sujets", "")
        # Counted before splitting: a list of a hundred thousand names costs nothing to refuse.
        if asked.count(",") >= MAX_TOPICS:
            return await sse.plain(send, 400, f"Au plus {MAX_TOPICS} sujets par connexion.")
        names = frozenset(name for name in asked.split(",") if name)
        if not names:
            return await sse.plain(send, 400, "Précisez les sujets suivis (?sujets=…).")
        for name in sorted(names):
            if not await self._may_follow(name):
                return await sse.plain(send, 404, f"Sujet inconnu : {name[:64]}")
        await self.hub.serve(scope, receive, send, names)

    async def _may_follow(self, name):
        topic = find(name)
        if topic is None:
            return False
        if topic.exists is None:
            return True
        # The check reads the database: in a thread, as Django's own synchronous code would run.
        return await asyncio.to_thread(topic.exists, name)
