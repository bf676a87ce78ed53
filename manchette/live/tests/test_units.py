"""The pieces of the live layer that need no server: what a reader is replayed, a stream's buffer, reading
ids, which topics a page may follow."""

import asyncio

import pytest

from manchette.live import topics
from manchette.live.hub import FRESH_REPLAY, Hub, Memory, last_event_id, parse_id
from manchette.live.sse import Stream, chunks, frame, reset


def follow(hub, topic, limit):
    memory = hub.memories[topic] = Memory(limit)
    return memory


def deliver(hub, *rows):
    hub._deliver(list(rows))


def upsert(event_id, topic="filinfo"):
    return (event_id, topic, f"depeche-{event_id}", "upsert", f'{{"key": "depeche-{event_id}"}}')


@pytest.fixture
def hub():
    hub = Hub()
    follow(hub, "filinfo", 30)
    # ids need not be contiguous: PostgreSQL sequences leave gaps
    deliver(hub, *(upsert(event_id) for event_id in range(1, 41, 2)))
    return hub


def upsert_frame(event_id, topic="filinfo"):
    event_id, topic, _, action, data = upsert(event_id, topic)
    return frame(event_id, topic, action, data)


def frames(first, last, topic="filinfo"):
    return [frame(i, topic, "upsert", upsert(i, topic)[4]) for i in range(first, last + 1, 2)]


def test_a_withdrawn_item_is_not_replayed_from_memory(hub):
    deliver(hub, (41, "filinfo", "depeche-5", "remove", '{"key": "depeche-5"}'))
    ids, sent = hub.memories["filinfo"].after(0)
    assert 5 not in ids and 41 in ids
    assert not any(b"depeche-5" in chunk and b"upsert" in chunk for chunk in sent)


FILINFO = frozenset({"filinfo"})


def test_a_frame_names_its_topic_and_action():
    assert frame(7, "filinfo", "remove", '{"key": "depeche-1"}') == (
        b'id: 7\nevent: filinfo\ndata: {"action":"remove","data":{"key": "depeche-1"}}\n\n'
    )
    assert reset("filinfo") == b'event: filinfo\ndata: {"action":"reset"}\n\n'


def test_a_reader_gets_what_came_after_its_id(hub):
    assert hub.replay(FILINFO, 33) == frames(35, 39)
    assert hub.replay(FILINFO, 34) == frames(35, 39)  # an id never committed (a gap) is as good as the one before
    assert hub.replay(FILINFO, 39) == []


def test_no_id_or_a_future_id_gets_the_latest_events(hub):
    assert FRESH_REPLAY == 20
    assert hub.replay(FILINFO, None) == frames(1, 39)
    deliver(hub, (41, "filinfo", "depeche-1", "remove", '{"key": "depeche-1"}'))
    latest = [*frames(3, 39), frame(41, "filinfo", "remove", '{"key": "depeche-1"}')]
    assert hub.replay(FILINFO, None) == hub.replay(FILINFO, 42) == hub.replay(FILINFO, 10**12) == latest


def test_a_reader_older_than_memory_is_told_to_reload():
    hub = Hub()
    memory = follow(hub, "filinfo", 3)
    deliver(hub, *(upsert(event_id) for event_id in range(1, 6)))
    assert memory.ids == [3, 4, 5] and memory.floor == 2
    assert hub.replay(FILINFO, 1) == [reset("filinfo")]
    assert hub.replay(FILINFO, 2) == [upsert_frame(i) for i in (3, 4, 5)]


def test_an_empty_log_replays_nothing():
    hub = Hub()
    follow(hub, "filinfo", 10)
    assert hub.replay(FILINFO, None) == hub.replay(FILINFO, 0) == hub.replay(FILINFO, 7) == []


def test_two_topics_replay_in_log_order_and_reset_apart():
    hub = Hub()
    follow(hub, "filinfo", 3)
    follow(hub, "commentaires-1", 10)
    deliver(hub, upsert(1), upsert(2, "commentaires-1"), upsert(3), upsert(4), upsert(5, "commentaires-1"), upsert(6))
    both = frozenset({"filinfo", "commentaires-1"})
    assert hub.replay(both, 1) == [upsert_frame(i, t) for i, t in (
        (2, "commentaires-1"), (3, "filinfo"), (4, "filinfo"), (5, "commentaires-1"), (6, "filinfo"))]
    # The fil info keeps 3 events: a reader at 0 reloads that block, and gets the comments it missed.
    assert hub.replay(both, 0) == [reset("filinfo"), upsert_frame(2, "commentaires-1"), upsert_frame(5, "commentaires-1")]


def test_a_batch_reaches_each_stream_once_with_only_its_topics():
    hub = Hub()
    for topic in ("filinfo", "commentaires-1", "commentaires-2"):
        follow(hub, topic, 10)
    streams = {
        name: Stream("127.0.0.1", None, frozenset(wanted))
        for name, wanted in (("fil", {"filinfo"}), ("page", {"filinfo", "commentaires-1"}), ("other", {"commentaires-2"}))
    }
    for stream in streams.values():
        hub._register(stream)
    deliver(hub, upsert(1), upsert(2, "commentaires-1"), upsert(3, "commentaires-2"), upsert(4))
    assert streams["fil"].take() == upsert_frame(1) + upsert_frame(4)
    assert streams["page"].take() == upsert_frame(1) + upsert_frame(2, "commentaires-1") + upsert_frame(4)
    assert streams["other"].take() == upsert_frame(3, "commentaires-2")
    assert [stream.chunks for stream in streams.values()] == [[], [], []]


def test_events_of_topics_nobody_here_follows_are_not_kept(hub):
    deliver(hub, upsert(50, "commentaires-9"))
    assert "commentaires-9" not in hub.memories and hub.head == 50


def test_memories_nobody_follows_are_forgotten_past_the_limit(settings):
    settings.LIVE_TOPICS_IN_MEMORY = 2
    hub = Hub()
    followed = follow(hub, "filinfo", 10)
    hub._register(Stream("127.0.0.1", None, FILINFO))
    follow(hub, "commentaires-1", 10).used = 1
    follow(hub, "commentaires-2", 10).used = 2
    hub._forget_unfollowed()
    assert hub.memories == {"filinfo": followed, "commentaires-2": hub.memories["commentaires-2"]}


@pytest.fixture
def comment_topics():
    topics.register("essai-", family=True, exists=lambda name: name == "essai-1")
    topics.register("essai-fixe", memory=5)
    yield
    del topics._registered["essai-"], topics._registered["essai-fixe"]


@pytest.mark.parametrize("name, found", [
    ("filinfo", "filinfo"), ("essai-fixe", "essai-fixe"), ("essai-1", "essai-"), ("essai-2", "essai-"),
    ("essai-", None), ("inconnu", None), ("FILINFO", None), ("filinfo ", None), ("a" * 65, None), ("", None),
])
def test_a_page_follows_only_declared_topics(comment_topics, name, found):
    topic = topics.find(name)
    assert (topic.name if topic else None) == found


def test_a_topic_keeps_its_own_number_of_events(comment_topics, settings):
    settings.LIVE_REPLAY_EVENTS = 7
    assert topics.find("essai-fixe").kept() == 5 and topics.find("essai-3").kept() == 7
    assert topics.find("filinfo").kept() == settings.FILINFO_REPLAY_EVENTS


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
    stream = Stream("127.0.0.1", None, FILINFO)
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

        stream = Stream("127.0.0.1", None, FILINFO)
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

        stream = Stream("127.0.0.1", None, FILINFO)
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
        stream = Stream("127.0.0.1", asyncio.current_task(), FILINFO)
        stream.close()
        await asyncio.sleep(0)  # not cancelled: the pump sends the end of the answer itself
        return stream

    stream = asyncio.run(scenario())
    assert stream.closed and not stream.cut


@pytest.mark.django_db(transaction=True)
def test_a_stream_replays_only_after_reading_a_removal_committed_before_it_came():
    from manchette.live import log

    hub = Hub()
    follow(hub, "filinfo", 30)
    first = log.append("filinfo", "depeche-1", "upsert", {"key": "depeche-1", "block": "Titre retiré"})
    hub._deliver(log.events_after(0, 10))
    # Committed, but this process has not yet read it (its notification is still on its way).
    log.append("filinfo", "depeche-1", log.REMOVE, {"key": "depeche-1"})

    async def connect():
        await hub._sync()
        return hub.replay(FILINFO, first.id - 1)

    sent = b"".join(asyncio.run(connect()))
    hub._database.shutdown()
    assert b"Titre retir" not in sent and b"remove" in sent
