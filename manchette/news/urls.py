from django.urls import path

from . import views

app_name = "news"
urlpatterns = [
    path("tag/<slug:slug>/", views.tag_page, name="tag"),
    path("auteur/<slug:slug>/", views.author_page, name="author"),
    path("robots.txt", views.robots_txt, name="robots"),
]
