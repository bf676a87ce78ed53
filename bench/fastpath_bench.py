"""The fast path's own CPU per cached page, in one process: with the access log and the metrics off and on.

Usage:
    .venv/bin/python bench/fastpath_bench.py [--requests 100000] [--rounds 5] [--browser] [--reader]

No socket, no client: a request's bytes are handed to the server's protocol (manchette/edge/protocol.py) as
uvicorn would, the edge answers from a page put in its memory, the answer goes to a transport that only
counts it; the recorder is flushed every 700 requests, as the server's loop does every 20 ms at 35,000
requests a second, the access log (JSON) appended to a file by the loop (as to the server's stdout in the
HTTP bench), the metrics counted in memory (prometheus-client's values in this process's memory, not in
files). What is measured is the CPU time of this process (time.process_time) per request: what Python does for a
cached page, without the kernel's part (a socket's send), and much steadier than a rate on a shared machine
(other processes take turns on the cores, not instructions from this one). The modes run in turn, ROUNDS
times; the least of each is the cost, the others show the noise.
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manchette.settings")
os.environ["MANCHETTE_DATA_DIR"] = tempfile.mkdtemp(prefix="manchette-fastpath-bench-")

import django

django.setup()

import uvloop  # noqa: E402
from uvicorn.config import Config  # noqa: E402
from uvicorn.server import ServerState  # noqa: E402

from manchette.edge.app import EdgeCache  # noqa: E402
from manchette.edge.protocol import EdgeHttpProtocol  # noqa: E402
from manchette.edge.stack import Stack  # noqa: E402
from manchette.edge.store import Entry  # noqa: E402
from manchette.operations import accesslog, metrics  # noqa: E402

HOST = b"127.0.0.1:8000"
PATH = "/belgique/budget/"
REQUEST = b"GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0\r\n\r\n" % (
    PATH.encode(), HOST,
)
# What Firefox sends for a page typed in the address bar: the fast path reads every header of it.
BROWSER_REQUEST = (
    b"GET %s HTTP/1.1\r\nHost: %s\r\n"
    b"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: fr-BE,fr;q=0.8,en-US;q=0.5,en;q=0.3\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"
    b"Connection: keep-alive\r\nUpgrade-Insecure-Requests: 1\r\nSec-Fetch-Dest: document\r\n"
    b"Sec-Fetch-Mode: navigate\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-User: ?1\r\nPriority: u=0, i\r\n"
    b"Referer: http://%s/\r\n\r\n"
) % (PATH.encode(), HOST, HOST)
# As Django sets it for a logged-in reader; the analytics cookies a newspaper adds would come beside it.
READER_COOKIE = b"Cookie: sessionid=" + b"k3x9" * 8
BODY = b"<!doctype html>" + b"x" * 21_000
HEADERS = [
    (b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"public, max-age=300"),
    (b"surrogate-key", b"page-3 list-page-2"), (b"content-security-policy", b"default-src 'self'"),
    (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
]
MODES = ("off", "log", "metrics", "both")
FLUSH_EVERY = 700
LOG_FILE = os.path.join(os.environ["MANCHETTE_DATA_DIR"], "access.log")


class Socket:
    def getpeername(self):
        return ("127.0.0.1", 40000)

    def getsockname(self):
        return ("127.0.0.1", 8000)


class Transport:
    """What uvicorn's protocol asks of a transport; writes are only counted."""

    def __init__(self):
        self.closing = False
        self.written = 0

    def get_extra_info(self, name, default=None):
        return Socket() if name == "socket" else default

    def write(self, data):
        self.written += len(data)

    def writelines(self, parts):
        for data in parts:
            self.written += len(data)

    def close(self):
        self.closing = True

    def is_closing(self):
        return self.closing

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass


async def django_never(scope, receive, send):
    raise AssertionError("the page must come from the edge's memory")


def server(mode, loop):
    """(protocol, recorder) of a connection to a server whose edge holds the page, in MODE."""
    edge = EdgeCache(django_never)
    entry = Entry.build(200, HEADERS, BODY, parts=((edge.versions.current(), ()),), now=time.monotonic(), ttl=10**6)
    edge.store.put((HOST, PATH, b"", "http"), entry)
    # A regular file, as the server's stdout is in the HTTP bench: written from the loop (accesslog.AccessLog).
    log = accesslog.AccessLog(LOG_FILE, "json", "Europe/Brussels") if mode in ("log", "both") else None
    counted = metrics.ServerMetrics(edge, None, log) if mode in ("metrics", "both") else None
    recorder = accesslog.Recorder(log, counted)
    if recorder:
        recorder.started = True  # as its start-up hook does, without the loop's timer: flushed below
        if log is not None:
            log.start()
    config = Config(
        app=Stack(django_never, edge=edge, recorder=recorder if recorder else None), http=EdgeHttpProtocol,
        lifespan="off", ws="none", proxy_headers=False,
    )
    config.load()
    protocol = EdgeHttpProtocol(config=config, server_state=ServerState(), app_state={}, _loop=loop)
    protocol.connection_made(Transport())
    return protocol, recorder


def measure(mode, requests, request=REQUEST):
    """CPU microseconds per request of MODE, each REQUEST."""
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    protocol, recorder = server(mode, loop)
    for _ in range(FLUSH_EVERY):  # warm: the edge's and the log's remembered values
        protocol.data_received(request)
    if recorder:
        recorder.flush()
    answered = protocol.server_state.total_requests  # counted by the fast path only
    started = time.process_time()
    for number in range(1, requests + 1):
        protocol.data_received(request)
        if recorder and number % FLUSH_EVERY == 0:
            recorder.flush()
    if recorder:
        recorder.stop()
    spent = time.process_time() - started
    Path(LOG_FILE).unlink(missing_ok=True)
    assert protocol.server_state.total_requests - answered == requests, "every request answered on the fast path"
    loop.close()
    return spent / requests * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="a browser's whole head (14 headers), not 2 headers")
    parser.add_argument("--reader", action="store_true", help="a logged-in reader's: with a session cookie")
    args = parser.parse_args()
    request = BROWSER_REQUEST if args.browser else REQUEST
    if args.reader:
        request = request[:-2] + READER_COOKIE + b"\r\n\r\n"
    found = {mode: [] for mode in MODES}
    for _ in range(args.rounds):
        for mode in MODES:
            found[mode].append(measure(mode, args.requests, request))
    print("| journal, métriques | µs de CPU par requête (le moins) | médiane | tours |")
    print("| --- | ---: | ---: | --- |")
    labels = {"off": "ni l’un ni l’autre", "log": "journal seul", "metrics": "métriques seules", "both": "les deux (défaut)"}
    for mode, values in found.items():
        rounds = ", ".join(f"{value:.2f}" for value in values)
        print(f"| {labels[mode]} | {min(values):.2f} | {statistics.median(values):.2f} | {rounds} |")


if __name__ == "__main__":
    main()
