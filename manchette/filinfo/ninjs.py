"""Le fil info in IPTC ninjs 3.0, for partners (/fil-info/ninjs.json, served by manchette/wires/views.py).

Each item says who wrote it (`by`: the article's authors, the agency, or the newsroom), where it comes from
(`infoSources`) and carries its whole text in `bodies`: a dispatch's text, an article's body as plain text
(paragraphs apart by a blank line), its lead then in `descriptions`. Checked against IPTC's schema
(ninjs-schema_3.0.json) in manchette/filinfo/tests/test_outputs_ninjs.py.
"""

import datetime
import html
import re

from django.conf import settings
from django.db.models import Prefetch
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from manchette.news import seo

from .models import FeedEntry

SCHEMA_3_0 = "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json#"
# Urgency 2 (an alert) for what is at « La Une » of the fil info, as agencies mark theirs; 5 otherwise.
IMPORTANT_URGENCY, USUAL_URGENCY = 2, 5

_BLOCK_END = re.compile(r"<\s*(?:br\s*/?|/\s*(?:p|h[1-6]|li|blockquote|ul|ol))\s*>|<\s*hr\s*/?>", re.I)
_TAG = re.compile(r"<[^>]*>")


def body_text(markup):
    """Rich text as plain text: one paragraph (or heading, item, quotation) per block, blank lines between."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", markup or "")))
    blocks = (" ".join(line.split()) for line in text.split("\n"))
    return "\n\n".join(block for block in blocks if block)


def entries(queryset):
    """What the items need, in one query (a second one for authors, only if articles are among them)."""
    authors = Prefetch("article__authors")
    return queryset.select_related("article").prefetch_related(authors)


def authors(entry):
    if entry.kind == FeedEntry.ARTICLE and entry.article is not None:
        return list(entry.article.authors.all())
    return []


def byline(entry):
    """`by`: the article's authors, else the agency, else the newsroom."""
    names = [author.name for author in authors(entry)]
    if names:
        return get_text_list(names, _("et"))
    return entry.source or seo.newsroom()


def info_sources(entry):
    if entry.source:
        return [{"name": entry.source}]
    return [{"name": settings.SITE_NAME, "uri": seo.absolute("/")}]


def bodies(entry):
    article = entry.article if entry.kind == FeedEntry.ARTICLE else None
    text = body_text(article.body) if article is not None else entry.text
    if not text:
        return []
    return [{"role": "main", "contentType": "text/plain", "value": text}]


def item(entry):
    """A fil info entry as a ninjs 3.0 item."""
    url = seo.absolute(entry.url)
    data = {
        "standard": {"name": "ninjs", "version": "3.0", "schema": SCHEMA_3_0},
        # Stable whatever the title (the page's address changes with it), and unique on this site.
        "uri": f"{settings.SITE_URL}/fil-info/ninjs.json#{entry.key}",
        "type": "text",
        # Each correction is published later than the previous one: its time orders the versions.
        "version": str(round(entry.updated_at.timestamp() * 1000)),
        "firstCreated": iso(entry.published_at),
        "versionCreated": iso(entry.updated_at),
        "pubStatus": "usable",
        "urgency": IMPORTANT_URGENCY if entry.important else USUAL_URGENCY,
        "language": seo.LANGUAGE,
        "headlines": [{"role": "main", "value": entry.title}],
        "by": byline(entry),
        "infoSources": info_sources(entry),
        "renditions": [{"name": "web", "href": url, "contentType": "text/html"}],
    }
    if entry.kind == FeedEntry.ARTICLE and entry.text:
        data["descriptions"] = [{"role": "summary", "contentType": "text/plain", "value": entry.text}]
    if body := bodies(entry):
        data["bodies"] = body
    if entry.section:
        data["subjects"] = [{"name": entry.section, "rel": "section"}]
    return data


def export(queryset):
    return [item(entry) for entry in entries(queryset)]


def iso(moment):
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

