"""Carries invalidations between machines over Redis.

Each bump is published with the node id of the machine that made it; every server process listens in a
thread of its own and bumps its machine's counter for the bumps of other machines.
"""

import logging
import threading

import redis

CHANNEL = "manchette:edge:bump"
HEALTH_CHECK_SECONDS = 15
RETRY_SECONDS = 1

logger = logging.getLogger(__name__)


class RedisBus:
    def __init__(self, url, generation):
        self.url = url
        self.generation = generation
        self._client = None
        self._listener = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def publish(self):
        if self._client is None:
            self._client = redis.Redis.from_url(self.url)
        try:
            self._client.publish(CHANNEL, self.generation.node_id)
        except redis.RedisError:
            # The change is committed and this machine is up to date; other machines catch up when their
            # listeners reconnect, or when their entries expire (EDGE_CACHE_MAX_AGE).
            logger.exception("Edge cache: could not publish an invalidation to Redis")

    def listen(self):
        """Starts, once per process, the thread that applies the bumps of other machines."""
        with self._lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._run, name="edge-invalidation", daemon=True)
                self._listener.start()

    def stop(self):
        """Stops listening within HEALTH_CHECK_SECONDS (tests; a server process just exits)."""
        self._stopped.set()

    def _run(self):
        reconnecting = False
        while not self._stopped.is_set():
            try:
                self._follow(reconnecting)
            except redis.RedisError as error:
                logger.warning("Edge cache: Redis listener lost (%s), reconnecting", error)
            except Exception:
                # The thread must outlive any surprise, or this machine would stop hearing of changes.
                logger.exception("Edge cache: Redis listener failed, restarting")
            reconnecting = True
            self._stopped.wait(RETRY_SECONDS)

    def _follow(self, reconnecting):
        client = redis.Redis.from_url(self.url, health_check_interval=HEALTH_CHECK_SECONDS)
        with client.pubsub(ignore_subscribe_messages=True) as pubsub:
            pubsub.subscribe(CHANNEL)
            if reconnecting:
                # Whatever was published while this process was not listening is lost: start afresh.
                self.generation.bump()
            own_node = self.generation.node_id.encode()
            while not self._stopped.is_set():
                # The timeout lets the health check notice a connection that died silently.
                message = pubsub.get_message(timeout=HEALTH_CHECK_SECONDS)
                if message is not None and message["data"] != own_node:
                    self.generation.bump()
