"""A story's own page: all its coverage readers may see, newest first, paged, with its RSS and Atom feeds."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from manchette.edge import keys

from . import seo
from .context import listing_page
from .models import Story, with_cards
from .richtext import typography_text


def story_for(slug):
    """The story under SLUG, if readers may see at least one of its articles; a 404 otherwise (a story
    whose articles are all drafts, expired or restricted says nothing, not even its title)."""
    # A slug no story can have (PostgreSQL refuses a NUL in a query) is not looked up.
    if "\x00" in slug or len(slug) > Story._meta.get_field("slug").max_length:
        raise Http404
    story = Story.objects.filter(slug=slug).first()
    if story is None:
        keys.add(keys.list_of("news.story"))
        raise Http404
    if not story.articles_shown().exists():
        raise Http404
    return story


def description(story):
    text = story.description or _("Tous nos articles sur « %(story)s », du plus récent au plus ancien.") % {"story": story.title}
    return typography_text(text)


def story_page(request, slug):
    story = story_for(slug)
    page_obj = listing_page(request, with_cards(story.articles_shown()))
    url = seo.absolute(story.get_absolute_url())
    context = {
        "story": story,
        "page_obj": page_obj,
        "canonical": url if page_obj.number == 1 else f"{url}?page={page_obj.number}",
        "description": description(story),
        "rss": url + "rss/",
        "atom": url + "atom/",
    }
    return render(request, "news/story.html", context)
