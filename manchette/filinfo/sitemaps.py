"""The dispatches' permalinks, named in the sitemap index (manchette/sitemaps.py)."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from manchette.edge import keys

from .events import LIST_KEY
from .models import FeedEntry


class DispatchSitemap(Sitemap):
    """Visible dispatches only: the feed holds no draft and nothing withdrawn."""

    limit = 10_000

    def items(self):
        keys.add(LIST_KEY)
        # Primary-key order: old pages of the sitemap stay the same as dispatches are added.
        return FeedEntry.objects.filter(kind=FeedEntry.DISPATCH).order_by("pk").values("url", "updated_at")

    def location(self, item):
        return item["url"]

    def lastmod(self, item):
        return item["updated_at"]

    def get_latest_lastmod(self):
        return FeedEntry.objects.filter(kind=FeedEntry.DISPATCH).aggregate(latest=Max("updated_at"))["latest"]

    # URLs on settings.SITE_URL whatever host the crawler asked for, like the news sitemaps.
    def get_protocol(self, protocol=None):
        return settings.SITE_URL.split("://", 1)[0]

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1]
