from django.urls import path

from . import views

app_name = "newsletters"
urlpatterns = [
    path("", views.index, name="index"),
    path("inscription/", views.signup, name="signup"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("archives/", views.archive, name="archive"),
    path("archives/<int:pk>/", views.edition_by_pk, name="archive_edition"),
    path("archives/<slug:newsletter>/<int:pk>/", views.edition, name="edition"),
]
