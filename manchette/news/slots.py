"""Named places on news pages that other apps fill: the pages never name the apps that fill them.

An app registers what it shows in a slot from its AppConfig.ready(): a template, and optionally a function
that adds to that template's context from the page's; or, for a block that is the same on every page, the
name of a fragment it registered with the edge (edge/fragments.py), cached once for all pages. `{% slot "name" %}` (news_tags) renders every part
registered for the slot, in order; a slot nobody fills renders nothing.

The slots news pages offer:
- `sidebar`: top of the side column of the front page, section and article pages (the fil info);
- `article_below`: under an article, after its story links (comments);
- `article_aside`: beside an article, after the editors' picks (newsletter signup);
- `header_personal`: in the masthead of every page (the reader's account).
"""

from collections.abc import Callable
from dataclasses import dataclass

NAMES = frozenset({"sidebar", "article_below", "article_aside", "header_personal"})


@dataclass(frozen=True)
class Part:
    template: str | None
    context: Callable | None  # page context -> dict added for this template only
    order: int
    fragment: str | None = None


_parts = {name: [] for name in NAMES}


def register(slot, template=None, context=None, order=100, fragment=None):
    if slot not in NAMES:
        raise ValueError(f"unknown slot {slot!r}: one of {sorted(NAMES)}")
    if (template is None) == (fragment is None):
        raise ValueError("a slot part is a template or a fragment")
    part = Part(template, context, order, fragment)
    if part not in _parts[slot]:
        _parts[slot].append(part)
        _parts[slot].sort(key=lambda p: p.order)


def unregister(slot, template=None, fragment=None):
    _parts[slot][:] = [part for part in _parts[slot] if (part.template, part.fragment) != (template, fragment)]


def parts(slot):
    return _parts[slot]
