from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilinfoConfig(AppConfig):
    name = "manchette.filinfo"
    label = "filinfo"
    verbose_name = _("Fil info")
    sitemaps = {"depeches": "manchette.filinfo.sitemaps.DispatchSitemap"}

    def ready(self):
        from django.conf import settings

        from manchette.edge import fragments, queries
        from manchette.live import topics
        from manchette.news import slots

        from . import events, signals, views

        signals.register()
        # What views.feed_page reads (edge/queries.py).
        queries.declare("onglet", "avant", path="/fil-info/")  # urls.py
        topics.register(events.TOPIC, memory=settings.FILINFO_REPLAY_EVENTS)
        # The block heads the side column of the front page, sections and articles: the same on every page.
        fragments.register("fil-info", views.ticker)
        slots.register("sidebar", fragment="fil-info", order=10)
