"""Times, cursors and metadata of the fil info's templates."""

from django import template
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from manchette.filinfo import feed
from manchette.filinfo import seo as filinfo_seo
from manchette.news import seo
from manchette.news.richtext import typography_text

register = template.Library()

CORRECTION_SECONDS = 300


@register.filter
def feed_time(value):
    """« 14:05 » today, « hier 14:05 » yesterday, « 12/03 » before: what fits in the block's time column."""
    if not value:
        return ""
    local = timezone.localtime(value)
    days = (timezone.localdate() - local.date()).days
    hour = formats.time_format(local, "H:i")
    if days <= 0:
        return hour
    if days == 1:
        # Translators: a time yesterday in the fil info block, e.g. « hier 14:05 ».
        return _("hier %(time)s") % {"time": hour}
    return formats.date_format(local, "j/m")


@register.filter
def feed_day(value):
    """« lundi 12 mars » when VALUE is not today, nothing otherwise: the feed page's date line."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return ""
    return formats.date_format(local, "l j F" if local.year == timezone.localdate().year else "l j F Y")


@register.filter
def cursor(entry):
    return feed.cursor_of(entry)


@register.filter
def was_corrected(entry):
    # Publishing stamps the time again even with nothing changed; a correction comes minutes later.
    return (entry.updated_at - entry.published_at).total_seconds() > CORRECTION_SECONDS


@register.simple_tag(takes_context=True)
def dispatch_seo(context):
    entry, dispatch = context["entry"], context["dispatch"]
    url = seo.absolute(entry.url)
    article_image = filinfo_seo.share_image(dispatch)
    image = article_image or seo.default_share_image()
    documents = (filinfo_seo.news_article(entry, url, image), filinfo_seo.breadcrumb_list(entry))
    return {
        "url": url,
        "image": image,
        "card": "summary_large_image",
        "json_ld": mark_safe("\n".join(seo.json_ld(document) for document in documents)),
    }


@register.simple_tag(takes_context=True)
def feed_page_seo(context):
    return {
        "url": seo.absolute(context["canonical"]),
        "description": typography_text(str(feed.DESCRIPTION)),
        "image": seo.logo_image(),
        "card": "summary",
    }
