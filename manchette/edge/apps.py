from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "manchette.edge"
    label = "edge"

    def ready(self):
        from django.conf import settings
        from django.contrib.auth import REDIRECT_FIELD_NAME
        from django.urls import register_converter

        from . import converters, queries, readers, security  # noqa: F401 (security: its deploy check)

        readers.connect()
        # A login page reads where to go next (Django's redirect_to_login); it sets cookies, so it is never kept.
        queries.declare(REDIRECT_FIELD_NAME, path=settings.LOGIN_URL)
        register_converter(converters.DatabaseId, "id")
