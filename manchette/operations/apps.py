from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "manchette.operations"
    label = "operations"
    verbose_name = _("Exploitation")

    def ready(self):
        from . import sentry

        # Error reports, when SENTRY_DSN is set: in every process that loads Django (servers, worker, commands).
        sentry.start()
