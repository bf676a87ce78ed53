from django.urls import path

from . import views

app_name = "wires"
urlpatterns = [
    path("api/depeches/", views.receive_wires, name="receive"),
    path("fil-info/ninjs.json", views.ninjs_feed, name="ninjs_feed"),
]
