"""The least an ASGI application can do: the same bytes and headers as the cached page, nothing else.

http_bench.py serves it with uvicorn's ordinary HTTP protocol, as the ceiling of any page that goes
through an ASGI request cycle. BARE_ASGI_BODY is the page's file, BARE_ASGI_HEADERS its headers in JSON.
"""

import json
import os
from pathlib import Path

BODY = Path(os.environ["BARE_ASGI_BODY"]).read_bytes()
HEADERS = [(name.encode(), value.encode()) for name, value in json.loads(os.environ["BARE_ASGI_HEADERS"])]
HEADERS.append((b"content-length", str(len(BODY)).encode()))


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
