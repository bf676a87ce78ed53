"""RSS 2.0 and Atom feeds: the whole site at /rss/ and /atom/, each section at <section>/rss/ and <section>/atom/."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from manchette.edge import keys

from . import seo
from .models import NewsRendition, visible_articles
from .richtext import typography_text

FEED_LENGTH = 30


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
        return get_text_list(names, _("et")) if names else None

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]

    def item_enclosures(self, article):
        rendition = seo.existing_share_rendition(article.hero_image) if article.hero_image_id else None
        if rendition is None:
            return []
        # Length 0 means « unknown » (RSS Best Practices): measuring each file would cost a storage call per item.
        return [Enclosure(seo.absolute(rendition.url), "0", "image/jpeg")]


class RssFeed(ArticleFeed):
    feed_type = Rss201rev2Feed
    path = "rss/"


class AtomFeed(ArticleFeed):
    feed_type = Atom1Feed
    path = "atom/"


# The section routes in models.py call these names; they are the same feeds, given a section.
SectionRssFeed = RssFeed
SectionAtomFeed = AtomFeed


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
