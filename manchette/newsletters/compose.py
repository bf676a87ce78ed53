"""What an edition holds and how it reads: the articles chosen, and the e-mail rendered once, frozen for its send.

An edition's articles are those an editor picked (its EditionItems, in their order) or, when it has none, the
front page's lead stories then the newest articles of the list's sections, with no article twice. Either way,
only what readers may see (news.models.visible_articles: live, not expired, not restricted).

The HTML and text are rendered once (`freeze`) and every recipient gets the same bytes, but for three links
that name the recipient or the edition: the placeholders below, replaced per message (message.py) or, for the
public archive, by `web_html`.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from manchette.news.context import SectionIndex
from manchette.news.models import FrontPageLead, visible_articles

from . import message
from .models import EditionItem

# Put as-is in the frozen HTML and text (none is changed by HTML escaping); message.py fills them per recipient.
UNSUBSCRIBE_URL = message.UNSUBSCRIBE_URL
PREFERENCES_URL = message.PREFERENCES_URL
WEB_URL = message.WEB_URL

# A rendition readers' pages already use (news.models.CARD_RENDITIONS): no new file for each edition.
IMAGE_SPEC = "fill-640x360|format-jpeg"


def select_articles(edition):
    """The edition's articles, in the order they are shown."""
    visible = visible_articles().select_related("hero_image")
    items = list(edition.items.all()) if edition.pk else []
    if items:
        chosen = [item.article_id for item in sorted(items, key=lambda item: item.sort_order or 0)]
        found = visible.in_bulk(chosen)
        ordered, seen = [], set()
        for pk in chosen:
            if pk in found and pk not in seen:
                seen.add(pk)
                ordered.append(found[pk])
        return ordered
    newsletter = edition.newsletter
    articles, seen = [], set()
    if newsletter.lead_count:
        lead_ids = list(FrontPageLead.objects.order_by("sort_order", "pk").values_list("article_id", flat=True))
        found = visible.in_bulk(lead_ids)
        for pk in lead_ids:
            if len(articles) >= newsletter.lead_count:
                break
            if pk in found and pk not in seen:
                seen.add(pk)
                articles.append(found[pk])
    if newsletter.per_section:
        for section in newsletter.sections.all().order_by("path"):
            newest = visible.filter(path__startswith=section.path).exclude(pk__in=seen)[: newsletter.per_section]
            for article in newest:
                seen.add(article.pk)
                articles.append(article)
    return articles


def absolute(url):
    if not url:
        return ""
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def image_of(article):
    """(absolute URL, alt text) of the article's picture, or None: a message reads as well without it."""
    image = article.hero_image
    if image is None:
        return None
    try:
        rendition = image.get_rendition(IMAGE_SPEC)
    except Exception:  # a missing or broken source file: the e-mail goes without the picture
        return None
    alt = getattr(image, "description", "") or article.caption or article.title  # as the article page (hero.html)
    return {"url": absolute(rendition.url), "alt": alt, "width": rendition.width, "height": rendition.height}


def entries(articles):
    """What the templates show of each article: section label, absolute URL, lead, optional picture."""
    index = SectionIndex.load()
    shown = []
    for article in articles:
        section = index.section_of(article)
        shown.append({
            "title": article.title,
            "url": absolute(article.get_url()) or settings.SITE_URL + "/",
            "lead": article.lead,
            "section": section.title if section else "",
            "image": image_of(article),
        })
    return shown


def context(edition):
    newsletter = edition.newsletter
    moment = timezone.localtime(edition.due_at or edition.started_at or timezone.now())
    return {
        "edition": edition,
        "newsletter": newsletter,
        "subject": edition.subject,
        "intro": edition.intro,
        "date": formats.date_format(moment, "l j F Y"),
        "articles": entries(select_articles(edition)),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL + "/",
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "preferences_url": PREFERENCES_URL,
        "web_url": WEB_URL,
    }


def render(edition):
    """(html, text) of EDITION as composed now, placeholders in: in the site's language (settings.LANGUAGE_CODE),
    whatever the language of the editor's admin that sends it or previews it."""
    with translation.override(settings.LANGUAGE_CODE):
        values = context(edition)
        html = render_to_string("newsletters/email/edition.html", values)
        text = render_to_string("newsletters/email/edition.txt", values)
    return html, text


def freeze(edition, save=True):
    """Renders EDITION into edition.html and edition.text: what every recipient gets. An edition composed
    automatically keeps the articles it was composed of as its items: the archive shows those, not what the
    front page holds later."""
    edition.html, edition.text = render(edition)
    if save and edition.pk:
        if not edition.items.exists():
            EditionItem.objects.bulk_create(
                EditionItem(edition=edition, article=article, sort_order=number)
                for number, article in enumerate(select_articles(edition)))
        edition.save(update_fields=["html", "text"])
    return edition


def newsletters_page_url():
    return settings.SITE_URL + reverse("newsletters:index")


def edition_web_url(edition):
    """The public web version of a sent edition (the readers' archive)."""
    return message.web_url(edition)


# Outlook's own CSS property, which hides the preheader there: a browser has no use for it, and the W3C Nu HTML
# checker refuses it in the web version (tests/validators/test_html.py).
OUTLOOK_ONLY_CSS = "mso-hide:all;"


def web_html(edition):
    """The archive's version: rendered again, so that an article withdrawn since is gone from it too (only
    articles readers may see are ever selected), with no recipient's links — the newsletters page instead."""
    return _public(render(edition)[0], edition).replace(OUTLOOK_ONLY_CSS, "")


def web_text(edition):
    return _public(render(edition)[1], edition)


def _public(body, edition):
    page = newsletters_page_url()
    return body.replace(UNSUBSCRIBE_URL, page).replace(PREFERENCES_URL, page).replace(WEB_URL, edition_web_url(edition))
