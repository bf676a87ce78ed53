"""Sitemaps of articles and of the front page and sections (named in the index, manchette/sitemaps.py), and the
Google News sitemap of the last 48 hours."""

import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import F, Max
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.models import Page

from manchette.edge import keys, readers

from .models import HomePage, Section, visible_articles
from .seo import PageUrls

NEWS_WINDOW = datetime.timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most this many URLs per sitemap


def latest_publication():
    return visible_articles().aggregate(latest=Max("last_published_at"))["latest"]


class SiteSitemap(Sitemap):
    """URLs on settings.SITE_URL, whatever host name the crawler asked for; items are dicts with a url_path."""

    limit = 10_000

    @cached_property
    def urls(self):
        return PageUrls()

    def get_protocol(self, protocol=None):
        return settings.SITE_URL.split("://", 1)[0]

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1]

    def location(self, item):
        return self.urls.path(item["url_path"])

    def lastmod(self, item):
        return item["lastmod"]


class ArticleSitemap(SiteSitemap):
    def items(self):
        keys.add(keys.list_of(readers.PUBLISHED))
        # Plain values in primary-key order: cheap to page through, and old pages stay the same as articles are added.
        return visible_articles().order_by("pk").values("url_path", lastmod=F("last_published_at"))

    def get_latest_lastmod(self):
        return latest_publication()


class PageSitemap(SiteSitemap):
    """The front page and every live section, each last modified when it last received an article."""

    def items(self):
        keys.add(keys.list_of(readers.PUBLISHED))
        latest = self.latest_article_by_parent()
        pages = [
            *HomePage.objects.live().values("path", "url_path"),
            *Section.objects.live().order_by("path").values("path", "url_path"),
        ]
        for page in pages:
            page["lastmod"] = max(
                (moment for parent, moment in latest.items() if parent.startswith(page["path"])), default=None
            )
        return pages

    def get_latest_lastmod(self):
        # The front page is in this sitemap, and every article is under it.
        return latest_publication()

    @staticmethod
    def latest_article_by_parent():
        rows = (
            visible_articles()
            .order_by()
            .values(parent=Substr("path", 1, Length("path") - Page.steplen))
            .annotate(latest=Max("last_published_at"))
        )
        return {row["parent"]: row["latest"] for row in rows if row["latest"]}


class NewsSitemap(SiteSitemap):
    limit = NEWS_LIMIT

    def items(self):
        keys.add(keys.list_of(readers.PUBLISHED))
        since = timezone.now() - NEWS_WINDOW
        return (
            visible_articles()
            .filter(first_published_at__gte=since)
            .values("url_path", "title", "first_published_at", lastmod=F("last_published_at"))[:NEWS_LIMIT]
        )


class StorySitemap(SiteSitemap):
    """Each story's page (news/stories.py) while readers may see one of its articles, last modified with the
    newest of them."""

    def items(self):
        keys.add(keys.list_of(readers.PUBLISHED))
        return (
            visible_articles()
            .filter(story__isnull=False)
            .order_by("story_id")
            .values("story_id", "story__slug")
            .annotate(lastmod=Max("last_published_at"))
        )

    def location(self, item):
        return reverse("news:story", args=[item["story__slug"]])

    def get_latest_lastmod(self):
        return latest_publication()
