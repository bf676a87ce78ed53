"""The topics a page may follow live, declared by the apps that publish them.

An app registers its topics from its AppConfig.ready(): a fixed name (`register("filinfo")`), or a family
of names sharing a prefix (`register("commentaires-", family=True, exists=…)`) whose members a function
checks (it runs in a database thread, and says whether a reader may follow that member). Each topic keeps its
latest `memory` events in every server process, for readers who reconnect.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class Topic:
    name: str
    family: bool = False
    memory: int | None = None  # events kept for readers who reconnect; LIVE_REPLAY_EVENTS when None
    exists: Callable | None = None  # for a family: name -> whether a reader may follow it

    def kept(self):
        return self.memory or settings.LIVE_REPLAY_EVENTS


_registered = {}


def register(name, *, family=False, memory=None, exists=None):
    _registered[name] = Topic(name, family, memory, exists)


def find(name):
    """The declared topic NAME belongs to, or None."""
    if not NAME.fullmatch(name):
        return None
    topic = _registered.get(name)
    if topic is not None and not topic.family:
        return topic
    return next((t for t in _registered.values() if t.family and name.startswith(t.name) and name != t.name), None)
