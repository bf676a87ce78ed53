from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from manchette.comments import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def author_panels(context, author):
    """The panels other apps registered for AUTHOR's page (comments/panels.py), in the order they registered."""
    request = context.get("request")
    parts = []
    for name, extra in panels.panels():
        values = {**context.flatten(), "author": author, **(extra(request, author) if extra else {})}
        parts.append(render_to_string(name, values, request=request))
    return mark_safe("".join(parts))
