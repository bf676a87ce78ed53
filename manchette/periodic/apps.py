from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodicConfig(AppConfig):
    name = "manchette.periodic"
    label = "periodic"
    verbose_name = _("Tâches périodiques")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import jobs

        # django-tasks' results pile up (a tick a minute makes 1,440 a day): those finished a week ago go.
        jobs.every(3600, "prune-tasks")(jobs.forget_old_tasks)
