from django import template
from django.utils.safestring import mark_safe

from manchette.comments import actions, text

register = template.Library()


@register.filter
def comment_text(value, links=False):
    """A comment's stored text as HTML: escaped, its line breaks kept, its web addresses links only with LINKS
    (`comment.links_shown`: its author was trusted when they wrote it)."""
    return text.as_html(value, links=bool(links))


@register.simple_tag
def comment_actions():
    """The templates other apps add to each comment's links (actions.py)."""
    return actions.templates()


@register.simple_tag(takes_context=True)
def comments_thread(context):
    """The article's thread, as a block the edge caches once for every reader; nothing for an article readers
    may not see (a preview, a restricted page shown to whom may read it)."""
    from manchette.comments.views import render_fragment
    from manchette.edge import fragments
    from manchette.news.visibility import is_visible

    page, request = context.get("page"), context.get("request")
    if page is None or not is_visible(page):
        return ""
    if request is not None and fragments.assembled_by_edge(request):
        return fragments.include(request, "commentaires", page.pk)
    return mark_safe(render_fragment(request, page))
