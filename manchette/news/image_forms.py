"""The image's form in the admin (WAGTAILIMAGES_IMAGE_FORM_BASE): it asks for the caption, credit and alternative
text that the article shows (news/includes/hero.html: figcaption, « © crédit », alt)."""

from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm

from .admin_forms import GuardedForm

LABELS = {
    "caption": (_("Légende"), _("Lue sous l’image. Un article peut en donner une autre.")),
    "credit": (_("Crédit"), _("Photographe et agence, affichés après « © ».")),
    "description": (
        _("Texte alternatif"),
        _("Ce que montre l’image, en une phrase, pour qui ne la voit pas ; ne répétez pas la légende."),
    ),
}


class NewsImageForm(GuardedForm, BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].help_text = help_text
