from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "manchette.news"
    label = "news"
    verbose_name = "Actualités"
    sitemaps = {
        "articles": "manchette.news.sitemaps.ArticleSitemap", "rubriques": "manchette.news.sitemaps.PageSitemap",
        "sujets": "manchette.news.sitemaps.StorySitemap",
    }

    def ready(self):
        import re

        from manchette.edge import queries

        from . import scheduling, signals

        scheduling.register()
        signals.register()
        # The query parameters its pages read (edge/queries.py): lists are paged (sections live anywhere), and
        # so are sitemaps (Django's view: ?p=N).
        queries.declare("page")
        queries.declare("p", path=re.compile(r"/sitemap(-[-\w]+)?\.xml"))
