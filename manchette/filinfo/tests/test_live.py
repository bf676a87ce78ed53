"""Le fil info in direct, against real `manchette serve` processes: what a browser's EventSource gets.

Every reader here is a real HTTP client on its own socket, read as the bytes come (chunked encoding, then
Server-Sent Events). What readers receive is compared with the live log itself (`live.Event`, topic
`filinfo`): same ids, same order, same bytes, nothing missing, nothing twice. Most tests share one server with two worker
processes (`main_server`); those that stop servers or need several start their own.
"""

import json
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.db import connection, transaction

from manchette.edge import invalidation
from manchette.filinfo import events
from manchette.filinfo.models import Dispatch
from manchette.live import log
from manchette.live.asgi import STREAM_PATH
from manchette.live.hub import FRESH_REPLAY
from manchette.live.models import Event as LoggedEvent
from manchette.testing.pytest_plugin import ServerPool, server_fixture
from manchette.testing.servers import START_TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)

PROMPTLY = 2  # seconds; the safety poll alone would take up to 5, so this checks the push itself
MAIN = {
    "LIVE_HEARTBEAT_SECONDS": 1,
    "FILINFO_REPLAY_EVENTS": 40,
    "LIVE_MAX_STREAMS_PER_CLIENT": 6,
    "LIVE_STREAM_BUFFER_BYTES": 64 * 1024,
    # A proxy only one test connects from: the others' addresses are their own.
    "TRUSTED_PROXIES": "127.0.3.1",
}


@server_fixture(scope="module")
def main_server(django_db_setup, tmp_path_factory):
    pool = ServerPool(tmp_path_factory.mktemp("servers"))
    try:
        # Inside the try: a server that fails to start must still be stopped.
        yield pool(workers=2, **MAIN)
    finally:
        pool.stop_all()


@pytest.fixture(scope="module", autouse=True)
def close_buses(django_db_setup):
    """Publishing here opened connections to tell the servers (PostgreSQL, Redis): the test database must be
    left with none, or it could not be dropped."""
    yield
    for remote in (log.signal.bus(), invalidation.bus()):
        if remote is not None:
            remote.close()


@dataclass
class Event:
    id: int | None
    type: str
    data: str
    at: float


@dataclass
class Reader:
    """An SSE client on a socket of its own: the answer's head at once, then events as they come, in a thread."""

    port: int
    query: str = ""
    headers: dict = field(default_factory=dict)
    source: str = "127.0.0.1"
    method: str = "GET"

    def __post_init__(self):
        self.events = []
        self.comments = 0
        self.ending = None  # "clean" (the server ended the response), "cut" (the connection just closed)
        self.changed = threading.Condition()
        self.sock = socket.socket()
        self.sock.bind((self.source, 0))
        self.sock.settimeout(START_TIMEOUT)
        self.sock.connect(("127.0.0.1", self.port))
        lines = [f"{self.method} {target(self.query)} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                 *(f"{name}: {value}" for name, value in self.headers.items())]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        self.raw = b""
        while b"\r\n\r\n" not in self.raw:
            self._receive()
        head, self.raw = self.raw.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.response_headers = {name.lower(): value.strip() for name, value in (h.split(":", 1) for h in header_lines)}
        self.body = b""
        self.text = ""
        if self.method == "HEAD":
            return
        if "content-length" in self.response_headers:
            while len(self.raw) < int(self.response_headers["content-length"]):
                self._receive()
            self.text = self.raw.decode()
            return
        self.sock.settimeout(None)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _receive(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.raw += data

    def _read(self):
        pending = b""  # SSE text not yet parsed into whole events
        try:
            while self.ending is None:
                size_line, _, rest = self.raw.partition(b"\r\n")
                if not _ or len(rest) < int(size_line, 16) + 2:
                    self._receive()
                    continue
                size = int(size_line, 16)
                if size == 0:
                    self._end("clean")
                    break
                pending += rest[:size]
                self.raw = rest[size + 2:]
                self.body += rest[:size]
                pending = self._parse(pending)
        except (ConnectionError, OSError):
            self._end("cut")

    def _parse(self, pending):
        *blocks, pending = pending.split(b"\n\n")
        for block in blocks:
            fields = {}
            for line in block.decode().split("\n"):
                name, _, value = line.partition(":")
                if name == "":
                    with self.changed:
                        self.comments += 1
                        self.changed.notify_all()
                else:
                    fields[name] = value.removeprefix(" ")
            if "data" in fields:
                event = Event(int(fields["id"]) if "id" in fields else None, fields.get("event", "message"),
                              fields["data"], time.monotonic())
                with self.changed:
                    self.events.append(event)
                    self.changed.notify_all()
        return pending

    def _end(self, how):
        with self.changed:
            self.ending = how
            self.changed.notify_all()

    def wait_until(self, condition, timeout=PROMPTLY, what="events"):
        with self.changed:
            if not self.changed.wait_for(lambda: condition(self), timeout):
                raise AssertionError(f"no {what} after {timeout} s; ids {self.ids[-10:]}, ending {self.ending}")

    def wait_for_ids(self, ids, timeout=PROMPTLY):
        ids = list(ids)
        self.wait_until(lambda r: {e.id for e in r.events} >= set(ids), timeout, f"ids {ids[:3]}…{ids[-3:]}")

    @property
    def ids(self):
        return [event.id for event in self.events]

    def local_address(self):
        return self.sock.getsockname()

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class StalledReader:
    """Asks for the stream, then never reads: its socket buffers fill, then the server's sends wait."""

    def __init__(self, server, query):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.connect(("127.0.0.1", server.port))
        self.sock.sendall(f"GET {target(query)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())

    def drain(self):
        """All it was sent, once the server has closed the connection."""
        self.sock.settimeout(5)
        data = b""
        try:
            while chunk := self.sock.recv(1 << 20):
                data += chunk
        except TimeoutError:
            pytest.fail("the stalled reader's connection is still open: it was never cut")
        finally:
            self.sock.close()
        assert data.startswith(b"HTTP/1.1 200")
        return data


def stuff_the_log(count):
    """COUNT events of about the largest size a dispatch makes (each & is escaped as &amp;): 8 kB."""
    dispatch = Dispatch.objects.get(title="Ouverture du direct")
    dispatch.title, dispatch.text = "&" * 200, "&" * 1200
    with transaction.atomic():
        for _ in range(count):
            events.show(dispatch)


@pytest.fixture
def readers():
    opened = []

    def open_reader(server, query="", **kwargs):
        reader = Reader(server.port, query, **kwargs)
        opened.append(reader)
        return reader

    yield open_reader
    for reader in opened:
        reader.close()


def publish(title, text="Texte de la dépêche."):
    dispatch = Dispatch.objects.create(title=title, text=text, live=False)
    Dispatch.objects.get(pk=dispatch.pk).save_revision().publish()
    return dispatch


def correct(dispatch, title):
    dispatch = Dispatch.objects.get(pk=dispatch.pk)
    dispatch.title = title
    dispatch.save_revision().publish()


def target(query):
    """The stream of a page showing the fil info, with QUERY (« ?depuis=… ») added."""
    return f"{STREAM_PATH}?sujets=filinfo" + (f"&{query[1:]}" if query else "")


def last_id():
    return log.last_id()


def logged_after(since):
    """The log after SINCE, as readers must receive it."""
    rows = LoggedEvent.objects.filter(id__gt=since).order_by("id")
    return [(row.id, row.topic, f'{{"action":"{row.action}","data":{row.data}}}') for row in rows]


def payload(event):
    return json.loads(event.data)


def received(reader):
    return [(event.id, event.type, event.data) for event in reader.events]


@pytest.fixture
def since():
    """The newest event id, from an event of this test: the hub has it in memory, whatever ran before."""
    publish("Ouverture du direct")
    return last_id()


def serving_pid(server, reader):
    """The worker process holding the server side of READER's connection (from /proc)."""
    host, port = reader.local_address()
    wanted_remote = f"{socket.inet_aton(host)[::-1].hex().upper()}:{port:04X}"
    wanted_local = f"0100007F:{server.port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == wanted_local and fields[2] == wanted_remote:
            inode = fields[9]
            break
    else:
        raise AssertionError(f"no server socket for {host}:{port}")
    for pid in server.worker_pids():
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if fd.readlink().name == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no worker holds socket {inode}")


def reader_per_worker(server, readers, query):
    """A reader on each worker process of SERVER (each from its own address, to stay under the limit)."""
    by_worker = {}
    for number in range(1, 60):
        reader = readers(server, query, source=f"127.0.1.{number}")
        by_worker.setdefault(serving_pid(server, reader), reader)
        if len(by_worker) == server.workers:
            return by_worker
    raise AssertionError("the connections never reached every worker process")


def test_an_item_reaches_readers_on_two_worker_processes_with_the_same_ids(main_server, readers, since):
    by_worker = reader_per_worker(main_server, readers, f"?depuis={since}")
    assert len(by_worker) == 2
    published_at = time.monotonic()
    for number in range(3):
        publish(f"Dépêche {number}")
    expected = logged_after(since)
    assert [json.loads(data)["action"] for _, _, data in expected] == ["upsert"] * 3
    for reader in by_worker.values():
        reader.wait_for_ids([row[0] for row in expected])
        assert received(reader) == expected
        assert reader.events[-1].at - published_at < PROMPTLY


def test_a_correction_replaces_the_item_and_a_withdrawal_removes_it(main_server, readers, since):
    reader = readers(main_server, f"?depuis={since}")
    dispatch = publish("Incendie à Liège")
    # Each step reaches the reader live before the next: a withdrawal also takes back what was not yet sent.
    reader.wait_for_ids([row[0] for row in logged_after(since)])
    correct(dispatch, "Incendie maîtrisé à Liège")
    reader.wait_for_ids([row[0] for row in logged_after(since)])
    Dispatch.objects.get(pk=dispatch.pk).unpublish()
    expected = logged_after(since)
    reader.wait_for_ids([row[0] for row in expected])
    assert [row[0] for row in received(reader)] == [row[0] for row in expected]
    key = f"depeche-{dispatch.pk}"
    assert [(e.type, payload(e)["action"], payload(e)["data"]["key"]) for e in reader.events] == (
        [("filinfo", "upsert", key)] * 2 + [("filinfo", "remove", key)]
    )
    first, second = (payload(e)["data"]["block"] for e in reader.events[:2])
    assert "Incendie à Liège" in first and "Incendie maîtrisé à Liège" in second
    # A reader who replays from before gets the withdrawal, never the withdrawn headline.
    late = readers(main_server, f"?depuis={since}")
    late.wait_for_ids([expected[-1][0]])
    # A worker that loaded the topic from the log before gets the rewritten events, another none of them.
    assert {payload(e)["action"] for e in late.events} == {"remove"}
    assert not any("Incendie" in e.data for e in late.events)


def test_a_reader_who_reconnects_gets_exactly_what_it_missed(main_server, readers, since):
    reader = readers(main_server, f"?depuis={since}")
    publish("Avant la coupure")
    reader.wait_for_ids([last_id()])
    seen = reader.events[-1].id
    reader.close()
    missed = [publish(f"Pendant la coupure {number}") for number in range(3)]
    assert len(missed) == 3
    # A browser's EventSource reconnects to the same URL (with ?depuis=) and sends the id it last saw.
    again = readers(main_server, f"?depuis={since}", headers={"Last-Event-ID": str(seen)})
    expected = logged_after(seen)
    again.wait_for_ids([row[0] for row in expected])
    time.sleep(0.3)  # anything sent twice would have arrived by now
    assert received(again) == expected


def test_depuis_replays_a_first_connection_from_the_page_cursor(main_server, readers, since):
    for number in range(2):
        publish(f"Déjà publiée {number}")
    reader = readers(main_server, f"?depuis={since}")
    expected = logged_after(since)
    reader.wait_for_ids([row[0] for row in expected])
    assert received(reader) == expected
    assert reader.response_headers["content-type"] == "text/event-stream; charset=utf-8"
    assert reader.response_headers["x-content-type-options"] == "nosniff"
    assert reader.response_headers["cache-control"] == "no-store"


USELESS_IDS = [
    ({"Last-Event-ID": "abc"}, ""),
    ({"Last-Event-ID": "-3"}, ""),
    ({"Last-Event-ID": "9" * 40}, ""),
    ({"Last-Event-ID": "999999999999"}, ""),  # from the future
    ({}, "?depuis=%F0%9F%92%A5"),
    ({}, "?depuis=12abc&depuis=3"),
    ({}, ""),
]


def test_a_useless_id_gets_the_recent_events(main_server, readers, since):
    publish("Dernière dépêche")
    ours = logged_after(since - 1)
    for header, query in USELESS_IDS:
        reader = readers(main_server, query, headers=header)
        assert reader.status == 200, (header, query)
        reader.wait_for_ids([row[0] for row in ours])
        time.sleep(0.1)
        assert received(reader)[-len(ours):] == ours
        # The latest events the process holds, then those it reads after (ours, if it had not read them yet).
        assert len(ours) < len(reader.events) <= FRESH_REPLAY + len(ours)
        assert reader.ids == sorted(set(reader.ids))
        assert "reset" not in {payload(event)["action"] for event in reader.events}
        reader.close()


def test_a_reader_gets_all_the_process_remembers_and_is_told_to_reload_beyond(main_server, readers, since):
    dispatch = Dispatch.objects.get(title="Ouverture du direct")
    dispatch.text = "&" * 1200  # large events (about 8 kB): the replay goes out in many pieces
    kept = MAIN["FILINFO_REPLAY_EVENTS"]
    with transaction.atomic():
        for _ in range(kept + 5):
            events.show(dispatch)
    newest = last_id()
    oldest_kept = newest - kept + 1
    # A reader who saw the event just before the oldest one kept gets them all (on each worker process, which
    # also makes sure that every process has read the burst).
    for reader in reader_per_worker(main_server, readers, f"?depuis={oldest_kept - 1}").values():
        reader.wait_for_ids(range(oldest_kept, newest + 1))
        assert received(reader) == logged_after(oldest_kept - 1)
    behind = readers(main_server, f"?depuis={oldest_kept - 2}")
    behind.wait_until(lambda r: r.events)
    time.sleep(0.1)
    assert [(e.type, e.id, e.data) for e in behind.events] == [("filinfo", None, '{"action":"reset"}')]
    # Then it follows as any reader does.
    publish("Après la remise à zéro")
    expected = logged_after(newest)
    behind.wait_for_ids([row[0] for row in expected])
    assert received(behind)[1:] == expected


def test_one_address_cannot_open_streams_without_limit(main_server, readers):
    limit = MAIN["LIVE_MAX_STREAMS_PER_CLIENT"]
    answers = [readers(main_server, source="127.0.0.77") for _ in range(2 * limit + 1)]
    refused = [answer for answer in answers if answer.status == 429]
    assert refused and all(answer.status in (200, 429) for answer in answers)
    assert refused[0].text == "Trop de connexions au direct depuis votre adresse."
    assert refused[0].response_headers["retry-after"] == "30"
    assert readers(main_server, source="127.0.0.78").status == 200
    for answer in answers:
        answer.close()
    deadline = time.monotonic() + PROMPTLY
    while (status := readers(main_server, source="127.0.0.77").status) != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert status == 200, "closed streams still count against the address"


def held_in_each_process(host):
    """How many streams of HOST each server process holds, as the machine's table says (live/clients.py)."""
    from django.conf import settings

    from manchette.live import clients

    folder = Path(settings.DATA_DIR) / clients.FOLDER
    table = (folder / "table").read_bytes()
    hashed = clients._hash(clients.client_key(host))
    found = [
        index for index in clients.MachineClients._bucket(hashed)
        if clients.ENTRY.unpack_from(table, clients.HEADER_SIZE + index * clients.ENTRY.size)[0] == hashed
    ]
    if not found:
        return 0, []
    total = clients.ENTRY.unpack_from(table, clients.HEADER_SIZE + found[0] * clients.ENTRY.size)[1]
    columns = []
    for column in sorted(folder.glob("column-*")):
        data = column.read_bytes()
        if len(data) >= (found[0] + 1) * clients.COUNT.size:
            held = clients.COUNT.unpack_from(data, found[0] * clients.COUNT.size)[0]
            if held:
                columns.append(held)
    return total, columns


def test_the_limit_per_address_is_the_machines_not_each_processs(main_server, readers):
    limit = MAIN["LIVE_MAX_STREAMS_PER_CLIENT"]
    # Streams of one address held by both worker processes: the kernel hands each connection to either, so the
    # last place but one is taken again until a stream lands on the process that holds none yet.
    answers = []
    for _ in range(100):
        answers.append(readers(main_server, source="127.0.1.200"))
        assert answers[-1].status == 200
        if len(held_in_each_process("127.0.1.200")[1]) == 2:
            break
        if len(answers) == limit - 1:
            answers.pop().close()
            deadline = time.monotonic() + PROMPTLY
            while sum(held_in_each_process("127.0.1.200")[1]) != len(answers) and time.monotonic() < deadline:
                time.sleep(0.02)
    assert len(held_in_each_process("127.0.1.200")[1]) == 2, "every stream landed on the same process"
    # Then many more than the limit, on both processes: together they accept the limit, no more, though each
    # holds fewer than the limit itself (a limit per process would have let each take `limit`).
    answers += [readers(main_server, source="127.0.1.200") for _ in range(4 * limit - len(answers))]
    statuses = [answer.status for answer in answers]
    assert statuses.count(200) == limit and statuses.count(429) == 3 * limit, statuses
    total, columns = held_in_each_process("127.0.1.200")
    assert total == sum(columns) == limit
    assert len(columns) == 2 and all(0 < held < limit for held in columns), columns
    for answer in answers:
        answer.close()
    deadline = time.monotonic() + PROMPTLY
    while held_in_each_process("127.0.1.200")[0] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert held_in_each_process("127.0.1.200") == (0, []), "closed streams still count on the machine"


def test_behind_a_trusted_proxy_the_limit_counts_the_readers_address_and_an_ipv6_64(main_server, readers):
    limit = MAIN["LIVE_MAX_STREAMS_PER_CLIENT"]

    def via_proxy(address, source="127.0.3.1"):
        return readers(main_server, source=source, headers={"X-Forwarded-For": f"203.0.113.1, {address}"}).status

    # Each one of a different address of one /64: one subscriber's, however many addresses it takes.
    assert [via_proxy(f"2001:db8:0:5::{n + 1:x}") for n in range(limit + 2)] == [200] * limit + [429, 429]
    assert via_proxy("2001:db8:0:6::1") == 200
    assert [via_proxy("198.51.100.9") for _ in range(limit + 1)] == [200] * limit + [429]
    assert via_proxy("198.51.100.10") == 200
    # From an address that is not a trusted proxy, the header is the client's own word: not believed.
    assert via_proxy("198.51.100.9", source="127.0.1.201") == 200


def test_a_stalled_reader_is_cut_and_delays_no_one(main_server, readers, since):
    stalled = StalledReader(main_server, f"?depuis={since}")
    reader = readers(main_server, f"?depuis={since}")
    published = {}
    # About 8 MB in bursts: more than the kernel buffers on both sides of the stalled connection.
    for _ in range(25):
        stuff_the_log(40)
        published[last_id()] = time.monotonic()
        time.sleep(0.05)
    expected = logged_after(since)
    assert len(expected) == 1000 and len(expected[-1][2]) > 8000
    reader.wait_for_ids([row[0] for row in expected], timeout=10)
    assert received(reader) == expected
    arrived = {event.id: event.at for event in reader.events}
    assert max(arrived[event_id] - at for event_id, at in published.items()) < PROMPTLY
    # The stalled connection was closed by the server, without the end of the chunked answer.
    data = stalled.drain()
    assert not data.endswith(b"\r\n0\r\n\r\n")
    assert len(data) < 6 * 2**20, "the stalled reader was sent everything: it was never cut"


def test_heartbeats_keep_a_quiet_stream_open(main_server, readers, since):
    reader = readers(main_server, f"?depuis={since}")
    reader.wait_until(lambda r: r.comments >= 2, timeout=3 * MAIN["LIVE_HEARTBEAT_SECONDS"] + 1, what="heartbeats")
    assert b": \n\n" in reader.body
    assert reader.events == []


def test_head_and_post_on_the_stream(main_server, readers):
    head = readers(main_server, method="HEAD")
    assert head.status == 200
    assert head.response_headers["content-type"] == "text/event-stream; charset=utf-8"
    post = readers(main_server, method="POST", headers={"Content-Length": "0"})
    assert post.status == 405
    assert post.response_headers["allow"] == "GET, HEAD"
    assert post.text == "Méthode non autorisée."


def test_sigterm_ends_streams_cleanly_and_a_restart_loses_nothing(servers, readers, since):
    server = servers(workers=2)
    opened = reader_per_worker(server, readers, f"?depuis={since}")
    publish("Avant le redémarrage")
    seen = last_id()
    for reader in opened.values():
        reader.wait_for_ids([seen])
    stopping = time.monotonic()
    server.terminate()
    for reader in opened.values():
        reader.wait_until(lambda r: r.ending, timeout=1, what="end of stream")
        assert reader.ending == "clean"
    assert server.process.wait(timeout=10) == 0
    assert time.monotonic() - stopping < 5
    for number in range(3):
        publish(f"Pendant le redémarrage {number}")
    server.start().wait()
    # What a browser's EventSource does: the same URL again, with the id it last saw.
    again = readers(server, f"?depuis={since}", headers={"Last-Event-ID": str(seen)})
    expected = logged_after(seen)
    again.wait_for_ids([row[0] for row in expected])
    time.sleep(0.3)  # anything sent twice would have arrived by now
    assert received(again) == expected


def test_a_stalled_reader_does_not_keep_a_stopping_server_alive(servers, readers, since):
    """A connection whose reader takes nothing cannot end gracefully: the server waits for it before a worker
    stops, and only its graceful-shutdown timeout (10 s) ends such a worker."""
    stuff_the_log(600)  # about 5 MB, replayed to a reader that never takes it
    server = servers(workers=1)
    stalled = StalledReader(server, f"?depuis={since}")
    reader = readers(server, f"?depuis={last_id()}")
    reader.wait_until(lambda r: r.body, what="first bytes")
    stopping = time.monotonic()
    server.terminate()
    reader.wait_until(lambda r: r.ending, timeout=1, what="end of stream")
    assert reader.ending == "clean"
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("the server still runs 20 s after SIGTERM, held by a reader who does not read")
    assert time.monotonic() - stopping < 20
    assert not stalled.drain().endswith(b"\r\n0\r\n\r\n")


def wait_for_redis_listeners(url, count):
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + START_TIMEOUT
    while dict(client.pubsub_numsub(log.CHANNEL))[log.CHANNEL.encode()] < count:
        assert time.monotonic() < deadline, "the servers never subscribed to the fil info channel"
        time.sleep(0.05)


def assert_machines_agree(machines, readers, since):
    opened = [readers(machine, f"?depuis={since}") for machine in machines]
    for reader in opened:
        reader.wait_until(lambda r: r.body, what="first bytes")
    published_at = time.monotonic()
    for number in range(3):
        publish(f"Sur toutes les machines {number}")
    expected = logged_after(since)
    assert len(expected) == 3
    for reader in opened:
        reader.wait_for_ids([row[0] for row in expected])
        assert received(reader) == expected
        assert reader.events[-1].at - published_at < PROMPTLY


def test_two_machines_push_the_same_items_through_redis(servers, readers, redis_server, tmp_path, settings, since):
    # Each server has a data dir of its own, as on separate machines: only Redis tells them.
    machines = [servers(MANCHETTE_DATA_DIR=tmp_path / name, REDIS_URL=redis_server.url) for name in ("a", "b")]
    wait_for_redis_listeners(redis_server.url, 2)
    settings.REDIS_URL = redis_server.url
    try:
        assert_machines_agree(machines, readers, since)
    finally:
        log.signal.bus().close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY needs PostgreSQL")
def test_two_machines_push_the_same_items_through_postgresql(servers, readers, tmp_path, since):
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        started = cursor.fetchone()[0]
    machines = [servers(MANCHETTE_DATA_DIR=tmp_path / name) for name in ("a", "b")]
    channel = log.CHANNEL.replace(":", "_")
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        with connection.cursor() as cursor:
            # The listeners of these two servers only: other servers of this run may listen too.
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = %s"
                " AND backend_start > %s",
                [f'LISTEN "{channel}"', started],
            )
            if cursor.fetchone()[0] >= 2:
                break
        assert time.monotonic() < deadline, "the servers never listened to the fil info channel"
        time.sleep(0.05)
    assert_machines_agree(machines, readers, since)
