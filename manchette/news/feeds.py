"""RSS 2.0 and Atom feeds: the whole site at /rss/ and /atom/, each section at <section>/rss/ and <section>/atom/,
each author at /auteur/<slug>/rss/ and /auteur/<slug>/atom/."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from manchette.edge import keys

from . import seo
from .models import Author, NewsRendition, visible_articles
from .richtext import typography_text

FEED_LENGTH = 30
# A rendition's file never changes under its name: its size, once measured, is kept in the cache for good.
SIZE_KEY = "news:feed-enclosure-size:{}"


class ArticleFeed(Feed):
    """The newest articles of a section (sub-sections included), or of the whole site when there is no section."""

    path = ""  # where the feed lives under its page
    language = settings.LANGUAGE_CODE

    def get_object(self, request, section=None):
        return section

    def title(self, section):
        if section is None:
            return settings.SITE_NAME
        return f"{section.title} — {settings.SITE_NAME}"

    def description(self, section):
        return seo.site_description() if section is None else seo.section_description(section)

    def subtitle(self, section):
        # Atom's name for the RSS description.
        return self.description(section)

    def link(self, section):
        return seo.absolute("/") if section is None else seo.PageUrls().absolute(section.url_path)

    def feed_url(self, section):
        return self.link(section) + self.path

    def author_name(self, section):
        # Atom (RFC 4287) wants an author for the feed or for every entry: both have one.
        return seo.newsroom()

    def author_link(self, section):
        return seo.absolute("/")

    def items(self, section):
        if section is None:
            keys.add(keys.list_of("news.article"))
        return self.article_items(visible_articles() if section is None else section.articles())

    def article_items(self, articles):
        renditions = NewsRendition.objects.filter(filter_spec=seo.SHARE_SPEC)
        articles = list(
            articles.defer("body")
            .select_related("hero_image")
            .prefetch_related(Prefetch("hero_image__renditions", queryset=renditions), "authors", "tags")
            [:FEED_LENGTH]
        )
        # Resolved here, once for the list: feed instances routed in urls.py are shared between requests.
        urls = seo.PageUrls()
        for article in articles:
            article.feed_link = urls.absolute(article.url_path)
        enclosures(articles)
        return articles

    def item_title(self, article):
        return typography_text(article.title)

    def item_description(self, article):
        # Both formats carry the description as HTML; the lead is plain text.
        return escape(typography_text(article.lead))

    def item_link(self, article):
        return article.feed_link

    def item_pubdate(self, article):
        return article.first_published_at

    def item_updateddate(self, article):
        return article.last_published_at or article.first_published_at

    def item_author_name(self, article):
        names = [author.name for author in article.authors.all()]
        return get_text_list(names, _("et")) if names else seo.newsroom()

    def item_author_link(self, article):
        # One link per author element: an article by several keeps their names only.
        authors = list(article.authors.all())
        if authors:
            return seo.author_url(authors[0]) if len(authors) == 1 else None
        return seo.absolute("/")

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]

    def item_enclosures(self, article):
        if article.feed_enclosure is None:
            return []
        url, length = article.feed_enclosure
        return [Enclosure(url, str(length), "image/jpeg")]


class RssFeed(ArticleFeed):
    feed_type = Rss201rev2Feed
    path = "rss/"


class AtomFeed(ArticleFeed):
    feed_type = Atom1Feed
    path = "atom/"


# The section routes in models.py call these names; they are the same feeds, given a section.
SectionRssFeed = RssFeed
SectionAtomFeed = AtomFeed


def enclosures(articles):
    """Each article's share image as (URL, size in bytes), or None: RSS wants an enclosure's real length.

    Only a rendition already made (a feed never renders images); sizes come from the cache in one call, and
    a file is measured once, the first time a feed lists it. A file the storage cannot find is left out.
    """
    renditions = {}
    for article in articles:
        article.feed_enclosure = None
        rendition = seo.existing_share_rendition(article.hero_image) if article.hero_image_id else None
        if rendition is not None:
            renditions[article] = rendition
    known = cache.get_many([SIZE_KEY.format(r.file.name) for r in renditions.values()])
    measured = {}
    for article, rendition in renditions.items():
        key = SIZE_KEY.format(rendition.file.name)
        size = known.get(key)
        if size is None:
            try:
                size = measured[key] = rendition.file.storage.size(rendition.file.name)
            except OSError:
                continue
        article.feed_enclosure = (seo.absolute(rendition.url), size)
    if measured:
        cache.set_many(measured, timeout=None)


class AuthorFeed(ArticleFeed):
    """An author's articles, newest first, at /auteur/<slug>/rss/ and /auteur/<slug>/atom/."""

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, author):
        return f"{author.name} — {settings.SITE_NAME}"

    def description(self, author):
        return seo.author_description(author)

    def link(self, author):
        return seo.author_url(author)

    def items(self, author):
        keys.add(keys.list_of(f"author-{author.pk}"))
        return self.article_items(visible_articles().filter(authors=author))


class AuthorRssFeed(AuthorFeed):
    feed_type = Rss201rev2Feed
    path = "rss/"


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed
    path = "atom/"


class StoryFeed(ArticleFeed):
    """A story's articles, newest first, at /sujet/<slug>/rss/ and /sujet/<slug>/atom/ (news/stories.py)."""

    def get_object(self, request, slug):
        from .stories import story_for

        return story_for(slug)

    def title(self, story):
        return f"{typography_text(story.title)} — {settings.SITE_NAME}"

    def description(self, story):
        from .stories import description

        return description(story)

    def link(self, story):
        return seo.absolute(story.get_absolute_url())

    def items(self, story):
        return self.article_items(story.articles_shown())


class StoryRssFeed(StoryFeed):
    feed_type = Rss201rev2Feed
    path = "rss/"


class StoryAtomFeed(StoryFeed):
    feed_type = Atom1Feed
    path = "atom/"
