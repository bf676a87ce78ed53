from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from manchette.edge import fragments, security

register = template.Library()


@register.simple_tag(takes_context=True)
def fragment(context, name, arg=""):
    """The block NAME (registered by its app) with ARG, e.g. a section's id, for the edge to put in place."""
    return fragments.include(context.get("request"), name, arg)


@register.tag
def hashed_style(parser, token):
    """{% hashed_style %}…{% endhashed_style %}: an inline <style> the page's Content-Security-Policy allows by
    its hash (edge/security.py), since a shared page can carry no nonce."""
    nodelist = parser.parse(("endhashed_style",))
    parser.delete_first_token()
    return HashedStyleNode(nodelist)


class HashedStyleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        text = self.nodelist.render(context)
        security.allow_inline(context.get("request"), "style-src", text)
        return format_html("<style>{}</style>", mark_safe(text))
