"""The reader's name at signup and on the account page (READER_NAME_POLICY), and the deletion form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import lookalike, names
from .models import Profile

NAME_FIELDS = {
    # Django's own columns for first and last name, which allauth's adapter fills from these fields.
    "full_name": ["first_name", "last_name"],
    "pseudonym": ["display_name"],
}


def name_fields():
    """The form fields of the current policy: « Prénom » and « Nom », or one « Nom affiché »."""
    # A typed value may be longer than what is kept (spaces collapsed, invisible characters refused): the
    # limit that counts is the cleaned name's, with its own message; this one only keeps a form sent 100 kB
    # of name from going any further.
    loose = {"max_length": names.MAX_LENGTH * 4, "strip": False}
    if names.policy() == "pseudonym":
        return {"display_name": forms.CharField(
            label=_("Nom affiché"), help_text=_("Le nom sous lequel vos commentaires paraissent."),
            widget=forms.TextInput(attrs={"autocomplete": "nickname"}), **loose,
        )}
    return {
        "first_name": forms.CharField(label=_("Prénom"), widget=forms.TextInput(attrs={"autocomplete": "given-name"}), **loose),
        "last_name": forms.CharField(label=_("Nom"), widget=forms.TextInput(attrs={"autocomplete": "family-name"}), **loose),
    }


class NameMixin:
    """Cleans the name fields of the policy and puts the name to show in cleaned_data["shown_name"]."""

    # Whose name it is (None at signup): their own name is no look-alike of itself.
    name_owner = None

    def add_name_fields(self):
        self.fields.update(name_fields())

    def refuse_lookalike(self, cleaned, fields):
        shown = cleaned.get("shown_name")
        if shown and lookalike.lookalike_of(shown, self.name_owner) is not None:
            self.add_error(fields[0] if len(fields) == 1 else None, ValidationError(_(
                "Ce nom se confond avec celui d’un autre membre du site : mêmes lettres à l’œil, écrites avec "
                "d’autres caractères ou une autre casse. Choisissez-en un autre."
            ), code="lookalike"))

    def clean_name_fields(self, cleaned):
        fields = NAME_FIELDS[names.policy()]
        try:
            if fields == ["display_name"]:
                cleaned["display_name"] = cleaned["shown_name"] = names.clean_name(cleaned.get("display_name", ""))
                self.refuse_lookalike(cleaned, fields)
                return cleaned
            parts = {}
            for field in fields:
                try:
                    parts[field] = names.clean_name(cleaned.get(field, ""), min_length=1)
                except ValidationError as error:
                    self.add_error(field, error)
            if len(parts) == 2:
                cleaned.update(parts)
                cleaned["shown_name"] = names.full_name(parts["first_name"], parts["last_name"])
                self.refuse_lookalike(cleaned, fields)
        except ValidationError as error:
            self.add_error(fields[0] if len(fields) == 1 else None, error)
        return cleaned


class SignupForm(NameMixin, forms.Form):
    """ACCOUNT_SIGNUP_FORM_CLASS: allauth's signup form is built on it, adding the e-mail and password fields."""

    field_order = ["first_name", "last_name", "display_name", "email", "password1"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_name_fields()

    def clean(self):
        return self.clean_name_fields(super().clean())

    def signup(self, request, user):
        """allauth calls it after saving the user: the profile is made by the adapter's save_user."""


class ProfileForm(NameMixin, forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["notify_replies"]
        labels = {"notify_replies": _("M’avertir par e-mail quand quelqu’un répond à l’un de mes commentaires")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields.pop("notify_replies")
        self.add_name_fields()
        self.fields["notify_replies"] = fields
        user = self.name_owner = self.instance.user
        self.initial.update({"first_name": user.first_name, "last_name": user.last_name, "display_name": self.instance.display_name})
        if names.policy() == "full_name" and not (user.first_name or user.last_name):
            self.initial["first_name"] = self.instance.display_name

    def clean(self):
        return self.clean_name_fields(super().clean())

    def save(self, commit=True):
        profile = super().save(commit=False)
        profile.display_name = self.cleaned_data["shown_name"]
        user = profile.user
        if names.policy() == "full_name":
            user.first_name, user.last_name = self.cleaned_data["first_name"], self.cleaned_data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
        profile.save()
        return profile


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe"), strip=False, max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(label=_("Je comprends que mon compte sera supprimé définitivement."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Ce mot de passe n’est pas le bon."))
        return password
