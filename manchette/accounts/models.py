"""What a reader's account holds beyond Django's user: the name shown with their comments, their choices; and
the site's security settings for staff accounts."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # Shown as « Posté par <display_name> » (READER_NAME_POLICY: first and last name, or a name of their choice).
    display_name = models.CharField(_("nom affiché"), max_length=80)
    # display_name's look-alike key (lookalike.py), so that a name that imitates another is found by one query.
    name_key = models.CharField(max_length=240, db_index=True, default="", editable=False)
    name_folded = models.CharField(max_length=240, db_index=True, default="", editable=False)
    notify_replies = models.BooleanField(_("m’avertir par e-mail des réponses à mes commentaires"), default=False)

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profils")

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        from .lookalike import folded_key, key

        self.name_key, self.name_folded = key(self.display_name), folded_key(self.display_name)
        if kwargs.get("update_fields") is not None and "display_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key", "name_folded"}
        super().save(*args, **kwargs)


@register_setting(icon="lock")
class SecuritySettings(BaseGenericSetting):
    """« Sécurité », in the admin's settings: which staff roles must protect their account with two-factor
    authentication (TOTP) before they reach the admin (middleware.TwoFactorRequiredMiddleware). Only
    administrators may change it: its permission is given to no role but theirs (setup_newsroom)."""

    two_factor_groups = models.ManyToManyField(
        Group, blank=True, related_name="+", verbose_name=_("rôles tenus à la double authentification"),
        help_text=_("Les membres de ces groupes doivent activer une application d’authentification (TOTP) avant "
                    "d’accéder à l’administration."),
    )
    two_factor_superusers = models.BooleanField(
        _("superutilisateurs aussi"), default=False,
        help_text=_("Les superutilisateurs doivent eux aussi activer la double authentification."),
    )

    class Meta:
        verbose_name = _("sécurité")

    def requires_two_factor(self, user):
        if user.is_superuser and self.two_factor_superusers:
            return True
        return self.two_factor_groups.filter(pk__in=user.groups.values("pk")).exists()
