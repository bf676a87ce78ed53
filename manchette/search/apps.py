from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "manchette.search"
    label = "search"
