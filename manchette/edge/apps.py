from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "manchette.edge"
    label = "edge"

    def ready(self):
        from . import readers

        readers.connect()
