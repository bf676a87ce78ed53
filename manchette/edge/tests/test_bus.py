"""Invalidations between machines, through a real Redis."""

import time

import pytest
import redis

from manchette.edge.bus import CHANNEL, RedisBus
from manchette.edge.generation import Generation


def eventually(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.02)


def listeners(url):
    return dict(redis.Redis.from_url(url).pubsub_numsub(CHANNEL))[CHANNEL.encode()]


@pytest.fixture
def here(redis_server, tmp_path):
    """This machine's counter, with its listener running."""
    generation = Generation(tmp_path / "here" / "edge-generation")
    bus = RedisBus(redis_server.url, generation)
    bus.listen()
    eventually(lambda: listeners(redis_server.url) == 1)
    yield generation
    bus.stop()


def test_bumps_of_other_machines_are_applied_and_this_machines_are_not_repeated(here, redis_server, tmp_path):
    there = Generation(tmp_path / "there" / "edge-generation")
    RedisBus(redis_server.url, Generation(here.path)).publish()
    RedisBus(redis_server.url, there).publish()
    eventually(lambda: here.current() >= 1)
    time.sleep(0.3)  # messages arrive in order within milliseconds: an echo applied again would show by now
    assert here.current() == 1, "this machine's own bump came back and was applied again"


def test_after_losing_redis_the_listener_reconnects_and_invalidates_everything(here, redis_server, tmp_path):
    redis_server.stop()
    redis_server.start()
    eventually(lambda: here.current() == 1)
    eventually(lambda: listeners(redis_server.url) == 1)
    RedisBus(redis_server.url, Generation(tmp_path / "there" / "edge-generation")).publish()
    eventually(lambda: here.current() == 2)


def test_publishing_without_redis_logs_and_goes_on(tmp_path, caplog):
    generation = Generation(tmp_path / "edge-generation")
    RedisBus("redis://127.0.0.1:1/0", generation).publish()
    assert "could not publish" in caplog.text


def test_keys_invalidated_on_another_machine_reach_this_one_and_long_lists_are_split(redis_server, tmp_path):
    from manchette.edge.versions import Versions

    here = Versions(tmp_path / "here" / "edge-versions")
    bus = RedisBus(redis_server.url, here)
    bus.listen()
    eventually(lambda: listeners(redis_server.url) == 1)
    try:
        born = here.current()
        many = [f"list-tag-{n}" for n in range(2000)]  # about 24 KB: more than a PostgreSQL NOTIFY takes
        there = Versions(tmp_path / "there" / "edge-versions")
        RedisBus(redis_server.url, there).publish(" ".join(["page-1", *many]))
        eventually(lambda: not here.fresh(born, here.slots_of(["list-tag-1999"])))
        assert not here.fresh(born, here.slots_of(["page-1"]))
        assert here.fresh(born, here.slots_of(["page-2"])) or set(here.slots_of(["page-2"])) & set(here.slots_of(many))
    finally:
        bus.stop()
