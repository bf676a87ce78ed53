"""Ten subjects followed over several articles, each told episode by episode in chronological order."""

from dataclasses import dataclass

from ..bank import Topic


@dataclass(frozen=True)
class Episode:
    title: str
    lead: str
    fact: str  # the paragraph that tells what is new in this episode


@dataclass(frozen=True)
class StorySpec:
    title: str
    slug: str
    description: str
    section: str  # sub-section slug
    topic: Topic
    episodes: tuple


from . import current, features  # noqa: E402  (they need the classes above)

STORIES = current.STORIES + features.STORIES
