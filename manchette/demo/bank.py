"""The shapes of the hand-written phrase banks the demo articles are assembled from.

Templates are `str.format` strings. Slots: {short} (headline head), {subject} / {Subject} (a noun phrase
that carries its own article, so templates never write « de {subject} »), {person}, {role}, {place},
{figure}, and {voice} (a secondary speaker, with a description).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    short: str
    subject: str
    place: str
    person: str
    role: str
    figure: str
    tags: tuple


@dataclass(frozen=True)
class SectionBank:
    topics: dict  # sub-section slug -> tuple of Topic
    angles: tuple  # headline endings: « {short} : {angle} »
    leads: tuple
    openings: tuple
    developments: tuple
    reactions: tuple
    closings: tuple
    headings: tuple
    quotes: tuple  # what people say, without the guillemets
    voices: tuple  # « Prénom Nom, description »
