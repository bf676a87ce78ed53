"""The pieces of live.py that need no server: what a reader is replayed, a stream's buffer, reading ids."""

import asyncio

import pytest

from manchette.filinfo.live import FRESH_REPLAY, RESET, Hub, Stream, chunks, encode, last_event_id, parse_id


@pytest.fixture
def hub(settings):
    settings.FILINFO_REPLAY_EVENTS = 30
    hub = Hub()
    for event_id in range(1, 41, 2):  # ids need not be contiguous: PostgreSQL sequences leave gaps
        hub._keep(event_id, "upsert", f'{{"key": "depeche-{event_id}"}}')
    return hub


def frames(first, last):
    return [encode(i, "upsert", f'{{"key": "depeche-{i}"}}') for i in range(first, last + 1, 2)]


def test_a_reader_gets_what_came_after_its_id(hub):
    assert hub.replay(33) == frames(35, 39)
    assert hub.replay(34) == frames(35, 39)  # an id never committed (a gap) is as good as the one before
    assert hub.replay(39) == []


def test_no_id_or_a_future_id_gets_the_latest_events(hub):
    assert FRESH_REPLAY == 20
    assert hub.replay(None) == frames(1, 39)
    hub._keep(41, "remove", '{"key": "depeche-1"}')
    latest = [*frames(3, 39), b'id: 41\nevent: remove\ndata: {"key": "depeche-1"}\n\n']
    assert hub.replay(None) == hub.replay(42) == hub.replay(10**12) == latest


def test_a_reader_older_than_memory_is_told_to_reload(settings):
    settings.FILINFO_REPLAY_EVENTS = 3
    hub = Hub()
    for event_id in range(1, 6):
        hub._keep(event_id, "upsert", "{}")
    assert hub.ids == [3, 4, 5] and hub.floor == 2
    assert hub.replay(1) == [RESET]
    assert hub.replay(2) == [encode(i, "upsert", "{}") for i in (3, 4, 5)]


def test_an_empty_log_replays_nothing(settings):
    hub = Hub()
    assert hub.replay(None) == hub.replay(0) == hub.replay(7) == []


def test_a_replay_goes_out_in_pieces_of_bounded_size():
    frames = [bytes([65 + n]) * 700 for n in range(10)]
    pieces = list(chunks(frames, 2000))
    assert b"".join(pieces) == b"".join(frames)
    assert [len(piece) for piece in pieces] == [2100, 2100, 2100, 700]
    assert list(chunks([], 2000)) == []


@pytest.mark.parametrize("text, expected", [
    ("12", 12), (" 12 ", 12), ("0", 0), ("9" * 18, int("9" * 18)),
    ("", None), ("abc", None), ("-1", None), ("+1", None), ("1.5", None), ("1e3", None),
    ("١٢", None), ("１２", None), ("9" * 19, None),
])
def test_parse_id(text, expected):
    assert parse_id(text) == expected


def scope(headers=(), query=b""):
    return {"headers": list(headers), "query_string": query}


def test_last_event_id_wins_over_depuis():
    assert last_event_id(scope([(b"last-event-id", b"42")], b"depuis=7")) == 42
    assert last_event_id(scope(query=b"depuis=7")) == 7
    assert last_event_id(scope(query=b"depuis=%C3%A9")) is None
    assert last_event_id(scope([(b"last-event-id", b"\xff\xfe")])) is None
    assert last_event_id(scope()) is None


def test_a_stream_keeps_bytes_until_its_reader_falls_too_far_behind():
    stream = Stream("127.0.0.1", task=None)
    stream.push(b"a" * 60, limit=100)
    stream.push(b"b" * 40, limit=100)
    assert not stream.closed
    assert stream.take() == b"a" * 60 + b"b" * 40
    assert stream.size == 0 and stream.take() == b""
    # One batch always fits an empty buffer, so that a burst does not cut a reader who keeps up.
    stream.push(b"c" * 500, limit=100)
    assert not stream.closed
    stream.push(b"d", limit=100)
    assert stream.closed
    stream.push(b"e", limit=100)
    assert stream.take() == b"c" * 500


def test_closing_a_stream_whose_send_waits_gives_the_send_up():
    async def scenario():
        never = asyncio.get_running_loop().create_future()  # a send to a reader who never reads

        async def serve():
            stream.sending = True
            await never

        stream = Stream("127.0.0.1", task=None)
        stream.task = asyncio.ensure_future(serve())
        await asyncio.sleep(0)
        stream.push(b"x" * 80, limit=100)
        stream.push(b"y" * 80, limit=100)
        with pytest.raises(asyncio.CancelledError):
            await stream.task
        return stream

    stream = asyncio.run(scenario())
    assert stream.closed and stream.cut


def test_ending_a_stream_whose_send_waits_lets_the_send_finish():
    async def scenario():
        taken = asyncio.get_running_loop().create_future()

        async def serve():
            stream.sending = True
            await taken
            stream.sending = False
            return "ended"

        stream = Stream("127.0.0.1", task=None)
        stream.task = asyncio.ensure_future(serve())
        await asyncio.sleep(0)
        stream.end()
        await asyncio.sleep(0)
        taken.set_result(None)
        return stream, await stream.task

    stream, outcome = asyncio.run(scenario())
    assert outcome == "ended" and stream.closed and not stream.cut


def test_closing_an_idle_stream_lets_it_end_its_answer():
    async def scenario():
        stream = Stream("127.0.0.1", task=asyncio.current_task())
        stream.close()
        await asyncio.sleep(0)  # not cancelled: the pump sends the end of the answer itself
        return stream

    stream = asyncio.run(scenario())
    assert stream.closed and not stream.cut
