"""The signup form (the block under articles and the newsletters page post the same) and the preferences form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import subscribing
from .models import Newsletter

# What the reader agrees to, shown under each signup form and recorded with each subscription it makes.
CONSENT_TEXT = _("En vous inscrivant, vous acceptez de recevoir par e-mail les newsletters choisies. Vous "
                 "pourrez vous désabonner à tout moment, d’un clic, par le lien présent dans chacune d’elles.")
PREFERENCES_CONSENT_TEXT = _("Je veux recevoir les newsletters cochées ci-dessus.")
MAX_SOURCE = 200


class ListsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Newsletter.objects.filter(active=True), widget=forms.CheckboxSelectMultiple, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "required": _("Choisissez au moins une newsletter."),
            "invalid_choice": _("Cette newsletter n’est plus proposée : choisissez parmi celles de la liste."),
            "invalid_pk_value": _("Cette newsletter n’est plus proposée : choisissez parmi celles de la liste."),
            "invalid_list": _("Choisissez au moins une newsletter."),
        }

    def _check_values(self, value):
        # Only ids a database takes (a huge number overflows SQLite's and PostgreSQL's integers).
        for pk in value:
            if not isinstance(pk, str) or not (pk.isascii() and pk.isdigit() and len(pk) <= 9):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)

    def label_from_instance(self, newsletter):
        return newsletter.name


class SignupForm(forms.Form):
    email = forms.CharField(label=_("Votre adresse e-mail"), required=False, max_length=1000, strip=False)
    listes = ListsField(label=_("Newsletters"))
    origine = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, account=False, **kwargs):
        # ACCOUNT: a logged-in reader may leave the address out (their account's is then used).
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_email(self):
        value = self.cleaned_data["email"]
        if not value.strip():
            if self.account:
                return ""
            raise ValidationError(_("Indiquez votre adresse e-mail."), code="required")
        return subscribing.clean_email(value)

    def clean_origine(self):
        return clean_source(self.cleaned_data["origine"])


def clean_source(value):
    """Where a signup came from, as recorded: a path of this site (the article's), else nothing."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or len(value) > MAX_SOURCE:
        return ""
    if any(ord(c) < 32 or ord(c) == 127 or c in "<>\"' " for c in value):
        return ""
    return value


class PreferencesForm(forms.Form):
    listes = ListsField(label=_("Mes newsletters"), required=False)
