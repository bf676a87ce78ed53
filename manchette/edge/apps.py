from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "manchette.edge"
    label = "edge"

    def ready(self):
        from django.urls import register_converter

        from . import converters, readers, security  # noqa: F401 (security: its deploy check)

        readers.connect()
        register_converter(converters.DatabaseId, "id")
