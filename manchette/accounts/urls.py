"""The reader's pages under /compte/, beside allauth's (manchette/urls.py includes both there)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("donnees/", views.download, name="download"),
    path("supprimer/", views.delete, name="delete"),
]
