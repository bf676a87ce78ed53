"""The readers' forms: a comment (new, reply, edit) and a report."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import text
from .models import Report


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Votre commentaire"), widget=forms.Textarea(attrs={"rows": 5}), strip=False)
    # « M’avertir… » as the reader last chose it; `avertir_choix` says the form offered the box, so an
    # unchecked box (sent as nothing) turns the choice off, and a client that never offered it changes nothing.
    avertir = forms.BooleanField(label=_("M’avertir par e-mail des réponses"), required=False)
    avertir_choix = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_text(self):
        return text.clean(self.cleaned_data["text"])


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motif"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    details = forms.CharField(label=_("Précisions (facultatif)"), required=False, max_length=500, strip=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean_details(self):
        value = self.cleaned_data["details"]
        try:
            return text.clean(value)
        except ValidationError as error:
            if error.code == "empty":
                return ""
            raise
