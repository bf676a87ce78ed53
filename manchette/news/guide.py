"""The newsroom's guide (docs/redaction.md) in the admin: the help menu and the dashboard lead to it.

The guide is Markdown of a few kinds only (titles, paragraphs, lists, **bold**, `code`, links), turned into
HTML here, everything else escaped: no Markdown library for one page.
"""

import re
from pathlib import Path

from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "redaction.md"

INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"\[([^\]]+)\]\(((?:https?://|/|#)[^)\s]*)\)"), r'<a href="\2">\1</a>'),
]


def inline(text):
    html = escape(text)
    for pattern, replacement in INLINE:
        html = pattern.sub(replacement, html)
    return html


def render(markdown):
    """HTML for the guide's Markdown (the few kinds it uses)."""
    out, paragraph, items, list_tag = [], [], [], None

    def flush():
        nonlocal paragraph, items, list_tag
        if paragraph:
            out.append(f"<p>{inline(' '.join(paragraph))}</p>")
            paragraph = []
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{inline(item)}</li>" for item in items) + f"</{list_tag}>")
            items, list_tag = [], None

    for line in markdown.splitlines():
        stripped = line.strip()
        heading = re.match(r"(#{1,4})\s+(.*)", stripped)
        bullet = re.match(r"[-*]\s+(.*)", stripped)
        number = re.match(r"\d+\.\s+(.*)", stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            level = len(heading.group(1)) + 1  # the admin page's own title is the <h1>
            out.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif bullet or number:
            tag = "ul" if bullet else "ol"
            if paragraph or (list_tag and list_tag != tag):
                flush()
            list_tag = tag
            items.append((bullet or number).group(1))
        elif items and line.startswith("  "):
            items[-1] += " " + stripped
        else:
            if items:
                flush()
            paragraph.append(stripped)
    flush()
    return mark_safe("\n".join(out))


class GuideView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "news/admin/guide.html"
    page_title = _("Guide de la rédaction")
    header_icon = "help"

    def get_context_data(self, **kwargs):
        try:
            text = GUIDE.read_text(encoding="utf-8")
        except OSError as exc:
            raise Http404(_("Le guide de la rédaction est introuvable.")) from exc
        # Its own first title is the page's.
        text = re.sub(r"\A#\s+.*\n", "", text)
        return super().get_context_data(guide=render(text), **kwargs)
