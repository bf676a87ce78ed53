"""The rules a comment's text follows: plain text, cleaned once when it is saved, escaped when it is shown.

Cleaning makes what readers see equal to what is stored: Unicode NFC, no invisible or direction-override
characters (they let a text pose as another, or reverse a whole thread's line), no control characters but the
line break, at most two blank lines in a row. Too long or empty is refused, never cut silently.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape
from django.utils.translation import gettext as _

MAX_LENGTH = 3000
_BLANK_LINES = re.compile(r"\n[ ]*(?:\n[ ]*){3,}")
_TRAILING_SPACES = re.compile(r"[ ]+\n")


def _kept(char):
    if char == "\n":
        return True
    return unicodedata.category(char) not in ("Cf", "Cc", "Cs", "Co", "Cn")


def clean(text):
    """TEXT as it is stored; ValidationError (in French) when it is empty or too long once cleaned."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = "".join(char for char in text if _kept(char))
    text = _TRAILING_SPACES.sub("\n", text)
    # More than two blank lines in a row become two.
    text = _BLANK_LINES.sub("\n\n\n", text).strip()
    if not text:
        raise ValidationError(_("Le commentaire est vide."), code="empty")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("Le commentaire compte %(length)s caractères : %(limit)s au plus.") % {"length": len(text), "limit": MAX_LENGTH},
            code="too_long",
        )
    return text


def as_html(text):
    """Escaped, line breaks kept; a link stays text (nothing here makes an <a>)."""
    return linebreaksbr(escape(text))
