from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import feeds, sitemaps, stories, views

app_name = "news"
urlpatterns = [
    path("tag/<str:slug>/", views.tag_page, name="tag"),
    path("auteur/<slug:slug>/", views.author_page, name="author"),
    path("auteur/<slug:slug>/rss/", feeds.AuthorRssFeed(), name="author-rss"),
    path("auteur/<slug:slug>/atom/", feeds.AuthorAtomFeed(), name="author-atom"),
    path("sujet/<slug:slug>/", stories.story_page, name="story"),
    path("sujet/<slug:slug>/rss/", feeds.StoryRssFeed(), name="story-rss"),
    path("sujet/<slug:slug>/atom/", feeds.StoryAtomFeed(), name="story-atom"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("rss/", feeds.RssFeed(), name="rss"),
    path("atom/", feeds.AtomFeed(), name="atom"),
    path(
        "sitemap-news.xml", sitemap,
        {"sitemaps": {"news": sitemaps.NewsSitemap}, "template_name": "news/sitemap_news.xml"},
        name="sitemap-news",
    ),
]
