"""The word lists in the admin (« Mots surveillés », beside « Commentaires »): list, search, add, change, delete,
for whoever may moderate comments (comments.moderate_comment), not by the model's own permissions. A word is
checked as the rules will read it (normalize.py): letters it has, and not already on a list under another
spelling."""

import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from manchette.comments.admin_views import PERMISSION, may_moderate
from manchette.news.admin_french import Wording, in_french, register

from . import normalize
from .models import Word

# Words in one expression at most: a list entry is a word or a short phrase, not a sentence.
MAX_WORDS = 8

register("automoderation.word", Wording(
    False, _("mot surveillé"), _("un mot surveillé"), _("ce mot surveillé"), _("Nouveau mot surveillé"),
))


class ModeratorsPolicy(BasePermissionPolicy):
    """Whoever may moderate comments may do anything with the word lists."""

    def user_has_permission(self, user, action):
        return may_moderate(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.with_perm(PERMISSION)


register_permission_policy(Word, ModeratorsPolicy(Word))


def matching_form(text):
    """TEXT as the lists compare it: its words' plainest spellings, repeated letters aside."""
    return tuple(normalize.collapse(token.spellings[0]) for token in normalize.tokens(text))


class WordForm(WagtailAdminModelForm):
    class Meta:
        model = Word
        fields = ["kind", "text", "note"]
        widgets = {"kind": forms.RadioSelect}

    def clean_text(self):
        text = " ".join(unicodedata.normalize("NFC", self.cleaned_data["text"]).split())
        words = matching_form(text)
        if not words:
            raise forms.ValidationError(_t("« %(text)s » ne contient aucune lettre\u00a0: une liste compare des mots.") % {"text": text})
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(_t("%(max)s mots au plus\u00a0: une expression, pas une phrase.") % {"max": MAX_WORDS})
        if len(words) == 1 and len(words[0]) < 2:
            raise forms.ValidationError(_t("Un mot d’une seule lettre se retrouverait partout\u00a0: écrivez l’expression entière."))
        others = Word.objects.exclude(pk=self.instance.pk) if self.instance.pk else Word.objects.all()
        for other in others.only("kind", "text"):
            if matching_form(other.text) == words:
                raise forms.ValidationError(_t("Déjà dans la liste « %(list)s », écrit « %(text)s »\u00a0: modifiez plutôt celui-là.")
                                            % {"list": other.get_kind_display(), "text": other.text})
        return text

    def save(self, commit=True):
        if self.instance.pk is None and getattr(self.for_user, "is_authenticated", False):
            self.instance.created_by = self.for_user
        return super().save(commit=commit)


@in_french
class WordViewSet(ModelViewSet):
    model = Word
    icon = "warning"
    menu_label = _("Mots surveillés")
    # Right after « Commentaires » (comments/wagtail_hooks.py, 240).
    menu_order = 241
    add_to_admin_menu = True
    url_prefix = "mots-surveilles"
    name = "mots_surveilles"
    list_display = ["text", "kind", "note", "created_by", DateColumn("created_at", label=_("Ajouté le"), sort_key="created_at")]
    list_filter = ["kind"]
    search_fields = ["text", "note"]
    search_backend_name = None
    ordering = ["kind", "text"]
    list_per_page = 100
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return WordForm


@hooks.register("register_admin_viewset")
def register_words():
    return WordViewSet()
