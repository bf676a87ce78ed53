"""The masthead's date: today in Brussels, in the page itself, whose cache life then ends at midnight.

Pages are shared by every reader for EDGE_CACHE_MAX_AGE seconds, in the edge and in a CDN (s-maxage). A page
that shows the date asks for no more than the seconds left until midnight in Brussels (`share_for`,
edge/middleware.py): the first reader after midnight gets it rendered again, with the new date. No script:
the date is right without JavaScript, and the same for everyone.
"""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from manchette.edge.middleware import share_for

register = template.Library()


def now():
    return timezone.localtime()


def seconds_to_midnight(local):
    """Seconds from LOCAL (aware) to the next midnight where it is, counted in UTC: right on the days the clocks change."""
    midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(), local.tzinfo)
    return max(1, int((midnight.astimezone(datetime.UTC) - local.astimezone(datetime.UTC)).total_seconds()) + 1)


def long_date(local):
    """« samedi 5 décembre 2026 », « mardi 1er décembre 2026 »."""
    day = _("1er") if local.day == 1 else str(local.day)
    # Translators: weekday, day number, month and year, e.g. « samedi 5 décembre 2026 ».
    return _("{weekday} {day} {month} {year}").format(
        weekday=formats.date_format(local, "l"), day=day, month=formats.date_format(local, "F"), year=local.year,
    )


@register.simple_tag(takes_context=True)
def masthead_date(context):
    local = now()
    request = context.get("request")
    if request is not None:
        share_for(request, seconds_to_midnight(local))
    return format_html('<time datetime="{}">{}</time>', local.date().isoformat(), long_date(local))
