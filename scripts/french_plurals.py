"""Fills the French catalogue's plural entries with their own source text: the project writes its strings in French,
so a French msgstr is the msgid itself, but an entry left empty falls back to gettext's English rule (only 1 is
singular), which would say « 0 résultats ». Run after makemessages; entries already translated are kept."""

import re
import sys
from pathlib import Path

ENTRY = re.compile(
    r'(?P<head>msgid (?P<one>(?:"(?:[^"\\]|\\.)*"\n)+)msgid_plural (?P<many>(?:"(?:[^"\\]|\\.)*"\n)+))'
    r'msgstr\[0\] ""\nmsgstr\[1\] ""\n(?=\n|\Z)'
)


def fill(text):
    return ENTRY.sub(lambda m: f'{m["head"]}msgstr[0] {m["one"]}msgstr[1] {m["many"]}', text)


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "manchette/locale/fr/LC_MESSAGES/django.po")
    before = path.read_text()
    after = fill(before)
    path.write_text(after)
    empty = 'msgstr[0] ""\n'
    print(f"{before.count(empty) - after.count(empty)} pluriels remplis")
