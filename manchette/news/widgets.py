"""The article's author picker: a list of check boxes with a search box, instead of a Ctrl-click list."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.widgets import AdminSnippetChooser


class AuthorsChooser(forms.CheckboxSelectMultiple):
    """Every author as a check box, the article's own first; typing in the box narrows the list (authors.js).

    Without JavaScript it is still a list of check boxes, none hidden.
    """

    template_name = "news/widgets/authors_chooser.html"
    search_label = _("Chercher un auteur")

    class Media:
        js = ["news/admin/authors.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(item) for item in (value or [])}
        groups = context["widget"]["optgroups"]
        # Those already chosen first, then everyone in the order of the queryset (by name).
        groups.sort(key=lambda group: not any(str(option["value"]) in chosen for option in group[1]))
        context["widget"]["search_label"] = self.search_label
        return context


class StoryChooser(AdminSnippetChooser):
    """Wagtail's snippet chooser, saying « Choisir un sujet » rather than « Modifier ce/cette sujet »."""

    def __init__(self, **kwargs):
        from .models import Story

        super().__init__(Story, **kwargs)
        self.choose_one_text = _("Choisir un sujet")
        self.choose_another_text = _("Choisir un autre sujet")
        self.link_to_chosen_text = _("Modifier ce sujet")
