"""A result's excerpt: the passage around the first words the reader searched for, those words in <mark>.

Words are matched the way the index matches them (text.py: folded, stemmed), so « élections » marks
« Election » and « électorale » does not. Every piece of the text is escaped; only <mark> is added.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .text import terms

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"[ \t\r\n]+")  # no-break spaces kept: they are French typography
WORDS_BEFORE = 12
WORDS_SHOWN = 40


def _matches(word, stems):
    return any(stem in stems for stem in terms(word))


def excerpt(text, stems, words_before=WORDS_BEFORE, words_shown=WORDS_SHOWN):
    """An HTML excerpt of TEXT with the words whose stem is among STEMS marked; None if none is in it."""
    text = _SPACES.sub(" ", text or "").strip()
    stems = set(stems)
    words = list(_WORD.finditer(text))
    marked = [i for i, word in enumerate(words) if _matches(word.group(), stems)]
    if not marked:
        return None
    first = max(0, marked[0] - words_before)
    last = min(len(words), first + words_shown)
    start = words[first].start() if first else 0
    end = words[last - 1].end() if last < len(words) else len(text)
    parts = ["…\u00a0" if start else ""]
    position = start
    for i in range(first, last):
        word = words[i]
        if i in marked:
            parts.append(escape(text[position:word.start()]))
            parts.append(f"<mark>{escape(word.group())}</mark>")
            position = word.end()
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append("\u00a0…")
    return mark_safe("".join(parts))


def first_excerpt(texts, stems):
    """The excerpt of the first of TEXTS (lead, then body…) that holds one of the words."""
    for text in texts:
        found = excerpt(text, stems)
        if found:
            return found
    return None
