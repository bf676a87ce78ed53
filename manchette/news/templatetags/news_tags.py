from django import template
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.images.models import Picture

from manchette.edge import fragments
from manchette.news import richtext, slots
from manchette.news.context import section_index
from manchette.news.models import CARD_RENDITIONS, HERO_RENDITIONS

register = template.Library()

RENDITIONS = {"hero": HERO_RENDITIONS, "card": CARD_RENDITIONS}
SIZES = {
    "hero": "(max-width: 860px) 100vw, 800px",
    "card": "(max-width: 600px) 100vw, 320px",
}


@register.filter
def typo(value):
    """French typography on plain text (headlines, leads); autoescaping still applies."""
    return richtext.typography_text(str(value)) if value else value


@register.filter(is_safe=True)
def typo_html(value):
    return mark_safe(richtext.typography_html(str(value))) if value else value


@register.filter
def long_datetime(value):
    """« lundi 24 janvier 2022 à 18:30 », in the reader's language, Europe/Brussels."""
    if not value:
        return ""
    local = timezone.localtime(value)
    day = _("1er") if local.day == 1 else str(local.day)
    # Translators: weekday, day number, month, year and time, e.g. « lundi 24 janvier 2022 à 18:30 ».
    pattern = _("{weekday} {day} {month} {year} à {time}")
    return pattern.format(
        weekday=formats.date_format(local, "l"),
        day=day,
        month=formats.date_format(local, "F"),
        year=local.year,
        time=formats.time_format(local, "H:i"),
    )


@register.filter
def short_time(value):
    return formats.time_format(timezone.localtime(value), "H:i") if value else ""


@register.simple_tag
def responsive_image(image, kind="card", alt="", loading="lazy"):
    """A <picture> with AVIF, WebP and JPEG sources at several widths; renditions come prefetched."""
    if not image:
        return ""
    renditions = image.get_renditions(*RENDITIONS[kind])
    attrs = {"sizes": SIZES[kind], "alt": alt, "loading": loading, "decoding": "async"}
    return Picture(renditions, attrs).__html__()


@register.inclusion_tag("news/includes/main_nav.html", takes_context=True)
def main_nav(context):
    request = context.get("request")
    return {"sections": section_index(request).top_level() if request else [], "request": request}


@register.simple_tag(takes_context=True)
def slot(context, name):
    """Every part other apps registered for slot NAME (news/slots.py), rendered with the page's context."""
    html = []
    for part in slots.parts(name):
        if part.fragment is not None:
            html.append(fragments.include(context.get("request"), part.fragment))
            continue
        template = context.template.engine.get_template(part.template)
        with context.push(part.context(context) if part.context else {}):
            html.append(template.render(context))
    return mark_safe("".join(html))
