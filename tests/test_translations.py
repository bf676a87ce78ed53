"""French plural rules reach readers: 0 and 1 are singular (« 0 résultat », « 1 commentaire »)."""

import re
from pathlib import Path

from django.utils import translation
from django.utils.translation import ngettext

CATALOGUE = Path(__file__).resolve().parent.parent / "manchette" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_zero_and_one_are_singular_in_french():
    with translation.override("fr-be"):
        for count in (0, 1):
            assert ngettext("%(total)s résultat", "%(total)s résultats", count) % {"total": count} == f"{count} résultat"
        assert ngettext("%(total)s résultat", "%(total)s résultats", 2) % {"total": 2} == "2 résultats"


def test_no_plural_entry_of_the_french_catalogue_is_left_empty():
    """An empty one falls back to gettext's English rule (scripts/french_plurals.py fills them after makemessages)."""
    assert not re.findall(r'msgstr\[0\] ""\nmsgstr\[1\] ""\n', CATALOGUE.read_text())
