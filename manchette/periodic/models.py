from django.db import models
from django.utils.translation import gettext_lazy as _


class Clock(models.Model):
    """When a periodic job last ran, so that several workers run it once (jobs.py). The clock named « tick »
    says when a worker last ran the tick: a worker seen recently."""

    name = models.CharField(_("nom"), primary_key=True, max_length=50)
    ran_at = models.DateTimeField(_("dernière exécution"))

    class Meta:
        verbose_name = _("horloge")
        verbose_name_plural = _("horloges")

    def __str__(self):
        return self.name
