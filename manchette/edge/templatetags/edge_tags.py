from django import template

from manchette.edge import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def fragment(context, name, arg=""):
    """The block NAME (registered by its app) with ARG, e.g. a section's id, for the edge to put in place."""
    return fragments.include(context.get("request"), name, arg)
