from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "manchette.edge"
    label = "edge"
