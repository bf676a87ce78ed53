from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "manchette.edge"
    label = "edge"

    def ready(self):
        from django.urls import register_converter

        from . import converters, readers

        readers.connect()
        register_converter(converters.DatabaseId, "id")
