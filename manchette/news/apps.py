from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "manchette.news"
    label = "news"
