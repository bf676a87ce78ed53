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
from django.utils.safestring import mark_safe
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


# A web address as readers type it: http(s)://, then anything but spaces, quotes and angle brackets; the
# punctuation that ends a sentence, or a bracket closing around the address, is not part of it.
_ADDRESS = re.compile(r"https?://[^\s<>\"'«»]+", re.IGNORECASE)
_TRAILING = ".,;:!?…’\u00a0\u202f"


def _address_end(match):
    address = match.group()
    address = address.rstrip(_TRAILING)
    if address.endswith(")") and address.count(")") > address.count("("):
        address = address[:-1].rstrip(_TRAILING)
    return match.start() + len(address)


def as_html(text, links=False):
    """Escaped, line breaks kept. With LINKS (a trusted author's comment, Comment.links_shown), its web addresses
    become links that search engines do not follow (rel="nofollow ugc") and that get no hold on this page
    (noopener); otherwise a link stays text. Every piece is escaped, the address in the link too: the text is cut
    at its addresses before anything is escaped, so no escaped character can end up inside one."""
    if not links:
        return linebreaksbr(escape(text))
    parts, start = [], 0
    for match in _ADDRESS.finditer(text):
        end = _address_end(match)
        if end - match.start() <= len("https://"):
            continue
        address = escape(text[match.start():end])
        parts += [escape(text[start:match.start()]), f'<a href="{address}" rel="nofollow ugc noopener">{address}</a>']
        start = end
    parts.append(escape(text[start:]))
    return linebreaksbr(mark_safe("".join(parts)))
