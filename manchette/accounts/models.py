"""What a reader's account holds beyond Django's user: the name shown with their comments, their choices."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # Shown as « Posté par <display_name> » (READER_NAME_POLICY: first and last name, or a name of their choice).
    display_name = models.CharField(_("nom affiché"), max_length=80)
    notify_replies = models.BooleanField(_("m’avertir par e-mail des réponses à mes commentaires"), default=False)

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profils")

    def __str__(self):
        return self.display_name
