from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "manchette.news"
    label = "news"
    verbose_name = "Actualités"
    sitemaps = {"articles": "manchette.news.sitemaps.ArticleSitemap", "rubriques": "manchette.news.sitemaps.PageSitemap"}

    def ready(self):
        from . import scheduling, signals

        scheduling.register()
        signals.register()
