from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilinfoConfig(AppConfig):
    name = "manchette.filinfo"
    label = "filinfo"
    verbose_name = _("Fil info")

    def ready(self):
        from . import signals

        signals.register()
