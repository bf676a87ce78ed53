"""The public forms: a notice of illegal content (Art. 16(2): who, where, why, in good faith) and an author's
request for a review (Art. 20). Free text is cleaned as a comment's is (comments/text.py) and bounded."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from manchette.comments import text

from .grounds import ANONYMOUS_ALLOWED
from .models import Ground

EXPLANATION_MIN = 30
EXPLANATION_MAX = 3000  # comments/text.py's limit: an explanation is at most as long as what it explains


def cleaned_explanation(value):
    """VALUE cleaned (comments/text.py), between EXPLANATION_MIN and EXPLANATION_MAX characters."""
    try:
        value = text.clean(value)
    except ValidationError as error:
        if error.code == "too_long":
            raise ValidationError(_("Votre explication compte trop de caractères : %(limit)s au plus.") % {"limit": EXPLANATION_MAX}) from None
        raise ValidationError(_("Expliquez en quelques phrases.")) from None
    if len(value) < EXPLANATION_MIN:
        raise ValidationError(_("Expliquez en quelques phrases (%(limit)s caractères au moins).") % {"limit": EXPLANATION_MIN})
    return value


class NoticeForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Pourquoi ce contenu est-il illicite ?"), choices=Ground.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le motif légal."), "invalid_choice": _("Choisissez un motif de la liste.")},
    )
    explanation = forms.CharField(
        label=_("Expliquez précisément en quoi ce contenu est illicite"), strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": EXPLANATION_MAX, "minlength": EXPLANATION_MIN,
                                     "aria-describedby": "id_explanation-aide"}),
        help_text=_("Citez le passage en cause et dites quelle règle il enfreint : un signalement motivé est traité plus vite."),
        error_messages={"required": _("Expliquez en quoi ce contenu est illicite.")},
    )
    name = forms.CharField(
        label=_("Vos nom et prénom"), max_length=150, required=False,
        error_messages={"max_length": _("Votre nom compte trop de caractères : %(limit_value)d au plus.")},
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail"), max_length=254, required=False,
        help_text=_("Nous y envoyons l’accusé de réception, puis notre décision."),
        error_messages={"invalid": _("Cette adresse e-mail n’est pas valable.")},
    )
    good_faith = forms.BooleanField(
        label=_("Je déclare de bonne foi que les informations et allégations de ce signalement sont exactes et complètes."),
        error_messages={"required": _("Cochez la déclaration de bonne foi : la loi la demande pour traiter un signalement.")},
    )

    def clean_explanation(self):
        return cleaned_explanation(self.cleaned_data["explanation"])

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if any(not char.isprintable() for char in name):
            raise ValidationError(_("Votre nom contient des caractères non permis."))
        return name

    def clean(self):
        data = super().clean()
        if data.get("ground") and data["ground"] not in ANONYMOUS_ALLOWED:
            if "name" in data and not data["name"]:
                self.add_error("name", _("Indiquez votre nom : seul un signalement de matériel d’abus sexuels sur enfants peut être anonyme."))
            if "email" in data and not data["email"]:
                self.add_error("email", _("Indiquez votre adresse e-mail : seul un signalement de matériel d’abus sexuels sur enfants peut être anonyme."))
        return data


class ReviewForm(forms.Form):
    explanation = forms.CharField(
        label=_("Pourquoi cette décision devrait-elle être revue ?"), strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": EXPLANATION_MAX, "minlength": EXPLANATION_MIN}),
        error_messages={"required": _("Expliquez pourquoi cette décision devrait être revue.")},
    )

    def clean_explanation(self):
        return cleaned_explanation(self.cleaned_data["explanation"])
