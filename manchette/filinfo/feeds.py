"""RSS 2.0 and Atom feeds of the fil info, at /fil-info/rss/ and /fil-info/atom/: dispatches and articles."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from manchette.edge import keys
from manchette.edge.middleware import share_for
from manchette.news import seo
from manchette.news.richtext import typography_text

from . import ninjs
from .events import LIST_KEY
from .feed import DESCRIPTION, NEWEST_FIRST
from .models import FeedEntry
from .views import FEED_MAX_AGE

FEED_LENGTH = 50


class FilinfoFeed(Feed):
    path = ""  # where the feed lives under the feed page
    language = settings.LANGUAGE_CODE

    def __call__(self, request, *args, **kwargs):
        # New items do not make cached answers stale: share this one briefly, like the feed page.
        share_for(request, FEED_MAX_AGE)
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"{_('Le fil info')} — {settings.SITE_NAME}"

    def description(self):
        return typography_text(str(DESCRIPTION))

    def subtitle(self):
        return self.description()

    def link(self):
        return seo.absolute(reverse("filinfo:feed"))

    def feed_url(self):
        return self.link() + self.path

    def author_name(self):
        # Atom (RFC 4287) wants an author for the feed or for every entry: both have one.
        return seo.newsroom()

    def author_link(self):
        return seo.absolute("/")

    def items(self):
        keys.add(LIST_KEY)
        entries = FeedEntry.objects.order_by(*NEWEST_FIRST).defer("article__body")[:FEED_LENGTH]
        return list(entries.select_related("article").prefetch_related("article__authors"))

    def item_title(self, entry):
        return typography_text(entry.title)

    def item_description(self, entry):
        # Both formats carry the description as HTML; the text is plain.
        return escape(typography_text(entry.text))

    def item_link(self, entry):
        return seo.absolute(entry.url)

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        return entry.updated_at

    def item_author_name(self, entry):
        # An article's authors, an agency's name, or the newsroom for its own dispatches.
        return ninjs.byline(entry)

    def item_author_link(self, entry):
        # One link per author element: an article by several keeps their names only.
        authors = ninjs.authors(entry)
        if authors:
            return seo.author_url(authors[0]) if len(authors) == 1 else None
        return None if entry.source else seo.absolute("/")

    def item_categories(self, entry):
        return [entry.section] if entry.section else []


class RssFeed(FilinfoFeed):
    feed_type = Rss201rev2Feed
    path = "rss/"


class AtomFeed(FilinfoFeed):
    feed_type = Atom1Feed
    path = "atom/"
