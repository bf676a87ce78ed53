"""The reader's trust on their page in the moderators' admin: their level and why, and the buttons that set it
(trusted, pre-moderated, or back to what their history says). A panel of comments/panels.py, and one view, a
POST checked like every moderator's view (comments.moderate_comment, else 403; CSRF by Django)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import View
from wagtail import hooks

from manchette.comments import panels
from manchette.comments.admin_views import ModeratorsOnly, back, refused
from manchette.comments.moderation import REASON_MAX_LENGTH

from . import trust
from .models import Trust

# The form's values, in the moderator's words, for trust.set_level's levels.
CHOICES = {"confiance": trust.TRUSTED, "premoderation": trust.PREMODERATED, "automatique": None}


def panel(request, author):
    """What the panel shows of AUTHOR's trust."""
    found = trust.standing(author)
    refused_needed, _window = trust.distrust()
    return {
        "standing": found,
        "level_label": trust.level_label(found.level) if found.level else _("Ni de confiance ni prémodéré"),
        "choice": Trust.objects.filter(user=author).select_related("set_by").first(),
        "approved_needed": settings.COMMENTS_TRUST_APPROVED,
        "quiet_days": settings.COMMENTS_TRUST_QUIET_DAYS,
        "refused_needed": refused_needed,
        "choices": CHOICES,
    }


class TrustView(ModeratorsOnly, View):
    http_method_names = ["post"]

    def post(self, request, user_id):
        author = get_object_or_404(get_user_model(), pk=user_id)
        choice = request.POST.get("niveau", "")
        if choice not in CHOICES:
            return refused(_("Niveau inconnu\u00a0: choisissez confiance, premoderation ou automatique."))
        reason = request.POST.get("motif", "")
        if len(reason) > REASON_MAX_LENGTH:
            return refused(_("Le motif compte %(length)s caractères\u00a0: %(limit)s au plus.") % {
                "length": len(reason), "limit": REASON_MAX_LENGTH})
        if "\x00" in reason:
            return refused(_("Le motif contient un caractère nul\u00a0: corrigez-le."))
        if author.pk == request.user.pk:
            return refused(_("Vous ne pouvez pas changer votre propre niveau de confiance."))
        level = CHOICES[choice]
        if trust.set_level(author, level, request.user, reason):
            messages.success(request, _("Niveau de confiance\u00a0: %(level)s.") % {"level": trust.level_label(level)})
        else:
            messages.info(request, _("Ce lecteur avait déjà ce niveau de confiance\u00a0: rien n’a changé."))
        return back(request, reverse("moderation:author", args=[author.pk]))


def urls():
    return [path("moderation/confiance/<int:user_id>/", TrustView.as_view(), name="automoderation_trust")]


def install():
    """The panel on the reader's page, and its view among the admin's URLs (called once, by AppConfig.ready)."""
    panels.register("automoderation/admin/trust_panel.html", panel)
    hooks.register("register_admin_urls", urls)
