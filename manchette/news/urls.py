from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import feeds, sitemaps, views

app_name = "news"
urlpatterns = [
    path("tag/<str:slug>/", views.tag_page, name="tag"),
    path("auteur/<slug:slug>/", views.author_page, name="author"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("rss/", feeds.RssFeed(), name="rss"),
    path("atom/", feeds.AtomFeed(), name="atom"),
    path(
        "sitemap-news.xml", sitemap,
        {"sitemaps": {"news": sitemaps.NewsSitemap}, "template_name": "news/sitemap_news.xml"},
        name="sitemap-news",
    ),
]
