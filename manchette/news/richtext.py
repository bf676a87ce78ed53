"""Rich text hygiene: an allow-list sanitiser, French typography, reading time."""

import html
import math
import re

import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "b", "strong", "i", "em", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "a", "embed", "hr", "code",
}
ALLOWED_ATTRIBUTES = {
    # Wagtail stores internal links and images as <a linktype id> and <embed embedtype id format alt>.
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt", "url"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_EMBED_NOT_SELF_CLOSED = re.compile(r"<embed(\b[^>]*?)\s*(?<!/)>")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_SPACE_BEFORE_DOUBLE = re.compile(r"(?<=[^\s\u202f\u00a0;:!?(\[«/])[ \u00a0\u202f]?([;:!?]+)(?=[\s)\]»\"'’.,…]|$)")
_OPENING_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")
_CLOSING_GUILLEMET = re.compile(r"[ \u00a0\u202f]*»")
NNBSP = "\u202f"


def sanitize(value):
    """Keep only what a newspaper body needs; drop scripts, styles, handlers and foreign markup."""
    if not value:
        return ""
    cleaned = nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        generic_attribute_prefixes={"data-"},
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
    )
    # Wagtail's rich text rewriter only recognises self-closed embeds.
    return _EMBED_NOT_SELF_CLOSED.sub(r"<embed\1/>", cleaned)


def typography_text(text):
    """French typography on plain text: narrow no-break spaces inside « » and before ; : ! ?"""
    if not text:
        return text
    text = _OPENING_GUILLEMET.sub("«" + NNBSP, text)
    text = _CLOSING_GUILLEMET.sub(NNBSP + "»", text)
    return _SPACE_BEFORE_DOUBLE.sub(NNBSP + r"\1", text)


def typography_html(markup):
    """Apply French typography to the text between tags, never inside a tag or its attributes."""
    if not markup:
        return markup
    parts = _TAG_OR_TEXT.split(markup)
    return "".join(part if part.startswith("<") else typography_text(part) for part in parts)


def plain_text(markup):
    text = _TAG_OR_TEXT.sub(" ", markup or "")
    return " ".join(html.unescape(text).split())


def word_count(markup):
    return len(plain_text(markup).split())


def reading_minutes(markup):
    return max(1, math.ceil(word_count(markup) / settings.READING_WORDS_PER_MINUTE))
