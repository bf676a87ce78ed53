from django.urls import path

from . import views

app_name = "filinfo"
urlpatterns = [
    path("fil-info/", views.feed_page, name="feed"),
    path("fil-info/<int:pk>/<slug:slug>/", views.dispatch_page, name="dispatch"),
]
