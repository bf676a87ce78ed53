"""Forms of the Wagtail admin that Manchette adjusts (WAGTAILADMIN_USER_LOGIN_FORM, the article's form)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

# The most digits of a database id: 18 always fit the signed 64-bit integer SQLite and PostgreSQL hold.
ID_DIGITS = 18
# Dates a page may be scheduled at: further out, converting to UTC overflows (year 1 in Brussels is year 0 in UTC).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail redeclares the password field without a label, so Django shows the field name, « Password »,
        # which no catalogue can translate. Django's own msgid gives « Mot de passe » in French and stays
        # English for the editors who chose English in their admin preferences.
        self.fields["password"].label = _("Password")


class GuardedForm:
    """For the admin's forms: what a browser never sends is a form error naming the field, not a 500.

    The rich text editor's value is JSON that Draftail's widget reads without a guard (a JSONDecodeError); an id
    past 64 bits is looked up as it comes, which SQLite cannot take (an OverflowError, for a page's id or a
    list of ids); a date at either end of the calendar overflows when the revision stores it in UTC.
    """

    def __init__(self, *args, **kwargs):
        # Not at the top: the editor's module loads models, and these forms are imported by models.
        from wagtail.admin.rich_text import DraftailRichTextArea

        super().__init__(*args, **kwargs)
        self.unreadable = []
        self.not_ids = {}
        for name, field in self.fields.items():
            if isinstance(field.widget, DraftailRichTextArea):
                field.widget.value_from_datadict = self._guarded(name, field.widget.value_from_datadict)
            if self.is_bound and isinstance(field, forms.ModelChoiceField) and integer_ids(field.queryset.model, field.to_field_name):
                key = self.add_prefix(name)
                values = self.data.getlist(key) if hasattr(self.data, "getlist") else [self.data.get(key)]
                wrong = [value for value in values if value not in (None, "") and not is_id(value)]
                if wrong:
                    # Taken out of the data: the chooser would look the value up again to show it (a 500 too).
                    self.not_ids[name] = wrong[0]
                    self.data = self.data.copy()
                    self.data.pop(key)

    def _guarded(self, name, read):
        def value_from_datadict(data, files, field_name):
            try:
                return read(data, files, field_name)
            except (ValueError, TypeError, KeyError, AttributeError, IndexError):
                self.unreadable.append(name)
                return ""

        return value_from_datadict

    def clean(self):
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, datetime.datetime) and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
                del self.cleaned_data[name]
                self.add_error(name, gettext("Date hors limites : entre %(earliest)d et %(latest)d.") % {
                    "earliest": EARLIEST_YEAR, "latest": LATEST_YEAR,
                })
        cleaned_data = super().clean()
        for name, value in self.not_ids.items():
            field = self.fields[name]
            if isinstance(field, forms.ModelMultipleChoiceField):
                self.add_error(name, ValidationError(field.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": value}))
            else:
                self.add_error(name, ValidationError(field.error_messages["invalid_choice"], code="invalid_choice"))
        for name in dict.fromkeys(self.unreadable):
            self.add_error(name, gettext("Le contenu de ce champ n’a pas pu être lu : rechargez la page et recommencez."))
        return cleaned_data


def is_id(value):
    text = str(value) if isinstance(value, (str, int)) else ""
    return text.isascii() and text.isdigit() and len(text) <= ID_DIGITS


def integer_ids(model, to_field_name=None):
    """Whether MODEL's rows are chosen by an integer id (a page's subclass by page_ptr, the id of its Page)."""
    pk = model._meta.pk
    if to_field_name not in (None, pk.name, pk.attname):
        return False
    pk = pk.target_field if pk.is_relation else pk
    return isinstance(pk, models.IntegerField)  # AutoField and BigAutoField are IntegerFields


class ArticleForm(GuardedForm, WagtailAdminPageForm):
    """The article's form (Article.base_form_class): a new article is signed by the journalist writing it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "authors" in self.fields and not self.is_bound and self.instance._state.adding and not self.initial.get("authors"):
            author = own_author(self.for_user)
            if author is not None:
                self.initial["authors"] = [author.pk]


def own_author(user):
    """The news.Author whose account USER is (Author.user), if any."""
    from .models import Author

    if user is None or not user.is_authenticated:
        return None
    return Author.objects.filter(user=user).first()


class GuardedModelForm(GuardedForm, WagtailAdminModelForm):
    """A snippet's form (base_form_class of the model), the fil info's dispatches among them."""

