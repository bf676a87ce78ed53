"""The serving stack (edge/stack.py): named hooks around the server's lifespan, requests to the layers."""

import asyncio

from manchette.edge.stack import Hook, Stack


def lifespan(stack, *messages):
    """What STACK answers the server's lifespan MESSAGES."""

    async def scenario():
        sent = []
        incoming = iter([{"type": message} for message in messages])

        async def receive():
            return next(incoming)

        async def send(message):
            sent.append(message)

        await stack({"type": "lifespan"}, receive, send)
        return sent

    return asyncio.run(scenario())


def recording(calls):
    def hook(name):
        async def start():
            calls.append(f"start {name}")

        async def stop():
            calls.append(f"stop {name}")

        return Hook(name, start=start, stopping=lambda: calls.append(f"stopping {name}"), stop=stop)

    return hook


def test_hooks_start_in_order_and_stop_in_reverse():
    calls = []
    hook = recording(calls)
    stack = Stack(None, hooks=[hook("cache"), hook("direct")])
    sent = lifespan(stack, "lifespan.startup", "lifespan.shutdown")
    assert [message["type"] for message in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert calls == ["start cache", "start direct", "stopping direct", "stopping cache", "stop direct", "stop cache"]


def test_stopping_runs_once_however_often_the_server_says_it():
    calls = []
    stack = Stack(None, hooks=[recording(calls)("direct")])
    for _ in range(3):  # uvicorn tells each open connection
        stack.stopping()
    asyncio.run(stack.shutdown())
    assert calls == ["stopping direct", "stop direct"]


def test_a_failed_start_is_reported_and_serves_nothing():
    def broken():
        raise RuntimeError("base de données absente")

    sent = lifespan(Stack(None, hooks=[Hook("cache", start=broken)]), "lifespan.startup")
    assert sent == [{"type": "lifespan.startup.failed", "message": "RuntimeError('base de données absente')"}]


def test_requests_go_to_the_layers():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["path"])

    asyncio.run(Stack(app)({"type": "http", "path": "/"}, None, None))
    assert seen == ["/"]
