from django.urls import path

from . import fragments, personal

app_name = "edge"
urlpatterns = [
    path("_fragments/<slug:name>/", fragments.view, name="fragment"),
    path("_fragments/<slug:name>/<slug:arg>/", fragments.view, name="fragment-arg"),
    path("_jeton/", personal.csrf_token, name="csrf-token"),
]
