from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    path("sante/", views.liveness, name="liveness"),
    path("sante/pret/", views.readiness, name="readiness"),
]
