"""Carries a machine's changes to the other machines: over Redis, or PostgreSQL.

A change is a counter bump (generation.py) or keys to invalidate (versions.py). Each is published with the
node id of the machine that made it; every server process listens in a thread of its own and applies the
changes of other machines to its own machine's shared memory. Redis pub/sub is used
when REDIS_URL is set, otherwise PostgreSQL's LISTEN/NOTIFY when the database is PostgreSQL; with SQLite
there is one machine and its counter is enough.
"""

import functools
import logging
import threading

import psycopg
import redis
from django.conf import settings

from .generation import Generation

CHANNEL = "manchette:edge:bump"
HEALTH_CHECK_SECONDS = 15
# PostgreSQL refuses a NOTIFY payload of 8000 bytes or more: longer lists of keys go out in several messages.
MAX_PAYLOAD = 7000
RETRY_SECONDS = 1

logger = logging.getLogger(__name__)


class Bus:
    """LOCAL is the machine's shared memory: it has a node_id, and apply(payload), apply_all() for what others send."""

    def __init__(self, local, channel=CHANNEL):
        self.local = local
        self.channel = channel
        self._listener = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        # Whether the listener is subscribed now: the readiness check (operations/health.py) reads it.
        self.connected = False

    def publish(self, payload=""):
        try:
            for part in split(payload, MAX_PAYLOAD):
                self._publish(f"{self.local.node_id} {part}")
        except (redis.RedisError, psycopg.Error):
            # The change is committed and this machine is up to date; other machines catch up when their
            # listeners reconnect (they then bump once, to be safe).
            logger.exception("Edge bus: could not publish a bump on %s", self.channel)

    def listen(self):
        """Starts, once per process, the thread that applies the bumps of other machines."""
        with self._lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._run, name=f"bus {self.channel}", daemon=True)
                self._listener.start()

    def stop(self):
        """Stops listening within HEALTH_CHECK_SECONDS (tests; a server process just exits)."""
        self._stopped.set()

    def shut(self, seconds=5):
        """Stops listening at once and closes every connection (tests, before the test database is dropped).

        A message of this machine's own wakes the listener, which then sees it must stop."""
        self.stop()
        if self._listener is not None:
            self.publish()
            self._listener.join(seconds)
        self.close()

    def close(self):
        """Closes the connection publishing uses; the next publish opens another (tests, before the test
        database is dropped; a server process just exits)."""
        with self._lock:
            self._close_publisher()

    def _run(self):
        reconnecting = False
        while not self._stopped.is_set():
            try:
                self._follow(reconnecting)
            except (redis.RedisError, psycopg.Error) as error:
                logger.warning("Listener of %s lost (%s), reconnecting", self.channel, error)
            except Exception:
                # The thread must outlive any surprise, or this machine would stop hearing of changes.
                logger.exception("Listener of %s failed, restarting", self.channel)
            self.connected = False
            reconnecting = True
            self._stopped.wait(RETRY_SECONDS)

    def _received(self, message):
        node_id, _, payload = message.partition(" ")
        if node_id != self.local.node_id:
            self.local.apply(payload)

    @property
    def listening(self):
        """Whether this process started the listener and it still runs."""
        return self._listener is not None and self._listener.is_alive()

    def _subscribed(self, reconnecting):
        self.connected = True
        if reconnecting:
            # Whatever was published while this process was not listening is lost: start afresh.
            self.local.apply_all()


class RedisBus(Bus):
    def __init__(self, url, local, channel=CHANNEL):
        super().__init__(local, channel)
        self.url = url
        self._client = None

    def _publish(self, message):
        if self._client is None:
            self._client = redis.Redis.from_url(self.url)
        self._client.publish(self.channel, message)

    def _close_publisher(self):
        if self._client is not None:
            self._client.close()
            self._client = None

    def _follow(self, reconnecting):
        client = redis.Redis.from_url(self.url, health_check_interval=HEALTH_CHECK_SECONDS)
        with client.pubsub(ignore_subscribe_messages=True) as pubsub:
            pubsub.subscribe(self.channel)
            self._subscribed(reconnecting)
            while not self._stopped.is_set():
                # The timeout lets the health check notice a connection that died silently.
                message = pubsub.get_message(timeout=HEALTH_CHECK_SECONDS)
                if message is not None:
                    self._received(message["data"].decode())


class PostgresBus(Bus):
    def __init__(self, conninfo, local, channel=CHANNEL):
        super().__init__(local, channel)
        self.conninfo = conninfo
        self._publisher = None

    @property
    def _pg_channel(self):
        return self.channel.replace(":", "_")

    def _publish(self, message):
        with self._lock:
            if self._publisher is None or self._publisher.closed:
                self._publisher = psycopg.connect(self.conninfo, autocommit=True)
            self._publisher.execute("SELECT pg_notify(%s, %s)", [self._pg_channel, message])

    def _close_publisher(self):
        if self._publisher is not None:
            self._publisher.close()
            self._publisher = None

    def _follow(self, reconnecting):
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            connection.execute(f'LISTEN "{self._pg_channel}"')
            self._subscribed(reconnecting)
            while not self._stopped.is_set():
                quiet = True
                # One at a time, so that a stop is seen as soon as a message comes.
                for notification in connection.notifies(timeout=HEALTH_CHECK_SECONDS, stop_after=1):
                    quiet = False
                    self._received(notification.payload)
                if quiet:
                    # Nothing for a while: make sure the connection is still there.
                    connection.execute("SELECT 1")


_buses = {}


def split(payload, limit):
    """PAYLOAD (words separated by spaces) in parts of at most LIMIT characters; one part if it is short."""
    if len(payload) <= limit:
        return [payload]
    parts, current = [], ""
    for word in payload.split(" "):
        if current and len(current) + 1 + len(word) > limit:
            parts.append(current)
            current = ""
        current = f"{current} {word}" if current else word
    return [*parts, current]


def bus_for(local, channel, *, redis_url, database):
    """The bus that suits the configuration, or None with SQLite and no Redis; one per configuration."""
    key = (local.path, channel, redis_url, *(database.get(name) for name in ("ENGINE", "NAME", "HOST", "PORT")))
    if key not in _buses:
        _buses[key] = _new_bus(local, channel, redis_url, database)
    return _buses[key]


def shut_all():
    """Every bus of this process stops and closes its connections (end of a test session)."""
    while _buses:
        _, bus = _buses.popitem()
        if bus is not None:
            bus.shut()


def _new_bus(local, channel, redis_url, database):
    if redis_url:
        return RedisBus(redis_url, local, channel)
    if database["ENGINE"] == "django.db.backends.postgresql":
        return PostgresBus(conninfo(database), local, channel)
    return None


def conninfo(database):
    parts = {
        "dbname": database.get("NAME"), "user": database.get("USER"), "password": database.get("PASSWORD"),
        "host": database.get("HOST"), "port": database.get("PORT"),
    }
    return psycopg.conninfo.make_conninfo(**{key: str(value) for key, value in parts.items() if value})


class Signal:
    """A per-machine counter (generation.py) that other machines move too, through the configured bus.

    The live log's « look now » is one of these."""

    def __init__(self, file_name, channel):
        self.file_name = file_name
        self.channel = channel

    @functools.cached_property
    def counter(self):
        return Generation(settings.DATA_DIR / self.file_name)

    def bus(self):
        """Redis or PostgreSQL to reach other machines; None with SQLite alone: one machine needs only its counter."""
        return bus_for(self.counter, self.channel, redis_url=settings.REDIS_URL, database=settings.DATABASES["default"])

    def send(self):
        value = self.counter.bump()
        remote = self.bus()
        if remote is not None:
            remote.publish()
        return value
