from django.urls import path

from . import views

app_name = "filinfo"
urlpatterns = [path("fil-info/", views.feed_page, name="feed")]
