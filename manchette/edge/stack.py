"""The ASGI application the server runs: the layers in front of Django, and what starts and stops with them.

manchette/asgi.py builds it in one place. The server's own protocol (protocol.py) is handed the parts it
needs by name (`stack.edge`, `stack.proxies`, `stack.recorder`, `stack.stopping()`); no layer looks for
another. A request behind a trusted proxy gets the reader's address and scheme here, before any layer
(proxies.py); every request is then recorded for the access log and the metrics by `stack.recorder`, once
a hook has started it (manchette/operations/accesslog.py), as the fast path records those it answers.

Hooks run in the order given at start-up, and in reverse at shutdown. `stopping` runs as soon as the server
begins to stop, before it waits for connections to end: a live stream never ends by itself, so it must be
told at once, or the server would wait for it until its graceful-shutdown timeout.
"""

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hook:
    name: str
    start: Callable | None = None  # awaited at start-up; the server serves nothing until every one returns
    stopping: Callable | None = None  # called once when the server begins to stop
    stop: Callable | None = None  # awaited at shutdown


async def _run(function):
    result = function()
    if inspect.isawaitable(result):
        await result


class Stack:
    def __init__(self, app, *, edge=None, proxies=None, recorder=None, hooks=()):
        self.app = app
        self.edge = edge  # the edge cache, which the server's fast path answers from
        self.proxies = proxies  # the proxies whose X-Forwarded-* headers are believed (proxies.py), if any
        self.recorder = recorder  # records each request answered (`records`, `serve()`) once `started`, if any
        self.hooks = tuple(hooks)
        self._stopping = False

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if self.proxies:
            scope = self.proxies.scope(scope)
        if self.recorder is not None and self.recorder.started and scope["type"] == "http":
            return await self.recorder.serve(self.app, scope, receive, send)
        await self.app(scope, receive, send)

    async def startup(self):
        for hook in self.hooks:
            if hook.start is not None:
                logger.debug("start-up: %s", hook.name)
                await _run(hook.start)

    def stopping(self):
        """The server begins to stop (once per process, however many times it is told)."""
        if self._stopping:
            return
        self._stopping = True
        for hook in reversed(self.hooks):
            if hook.stopping is not None:
                hook.stopping()

    async def shutdown(self):
        self.stopping()
        for hook in reversed(self.hooks):
            if hook.stop is not None:
                logger.debug("shutdown: %s", hook.name)
                await _run(hook.stop)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as error:
                    logger.exception("start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": repr(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return
