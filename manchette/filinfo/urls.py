from django.urls import path

from . import feeds, views

app_name = "filinfo"
urlpatterns = [
    path("fil-info/", views.feed_page, name="feed"),
    path("fil-info/bloc/", views.block, name="block"),
    path("fil-info/rss/", feeds.RssFeed(), name="rss"),
    path("fil-info/atom/", feeds.AtomFeed(), name="atom"),
    path("fil-info/<id:pk>/<slug:slug>/", views.dispatch_page, name="dispatch"),
]
