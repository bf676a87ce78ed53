"""The admin's words for each kind of thing the newsroom handles, with their grammatical gender.

Wagtail builds its labels and messages from a model's verbose name (« Add %(model_name)s », « %(model_name)s
'%(object)s' created. »): French cannot agree those with a gender through gettext, and Wagtail's catalogue
falls back on « Ajouter un(e) dépêche », « créé(e) et publié(e) ». Each viewset of the newsroom names its
model's wording here (WORDINGS), and its views take their labels and messages from it (`in_french`); the
templates that name a model (templatetags/newsroom_admin.py) do the same, in words without a gender for any
model that has no wording.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import InlinePanel
from wagtail.admin.utils import get_latest_str

# French typography: a narrow no-break space before « : ; ! ? » (as the project's catalogue writes them).
COLON = "\u202f:"


@dataclass(frozen=True)
class Wording:
    feminine: bool
    name: str  # « dépêche »
    a: str  # « une dépêche »
    this: str  # « cette dépêche »
    new: str  # « Nouvelle dépêche »

    @property
    def add(self):
        return capfirst(_("Ajouter %(a)s") % {"a": self.a})


WORDINGS = {}


def wording_for(model):
    """The wording of MODEL (a model, an instance or its label « app.model »), None if it has none."""
    if model is None:
        return None
    if isinstance(model, str):
        return WORDINGS.get(model.lower())
    return WORDINGS.get(model._meta.label_lower)


def register(label, wording):
    WORDINGS[label] = wording
    return wording


DISPATCH = register("filinfo.dispatch", Wording(True, _("dépêche"), _("une dépêche"), _("cette dépêche"), _("Nouvelle dépêche")))
WIRE_SOURCE = register("wires.wiresource", Wording(
    True, _("source de dépêches"), _("une source de dépêches"), _("cette source de dépêches"), _("Nouvelle source de dépêches"),
))
STORY = register("news.story", Wording(False, _("sujet"), _("un sujet"), _("ce sujet"), _("Nouveau sujet")))
AUTHOR = register("news.author", Wording(False, _("auteur"), _("un auteur"), _("cet auteur"), _("Nouvel auteur")))
LEAD_SLOT = register("news.frontpagelead", Wording(
    False, _("emplacement de la une"), _("un emplacement de la une"), _("cet emplacement de la une"), _("Nouvel emplacement de la une"),
))
PICK = register("news.editorspick", Wording(True, _("sélection"), _("une sélection"), _("cette sélection"), _("Nouvelle sélection")))
ARTICLE = register("news.article", Wording(False, _("article"), _("un article"), _("cet article"), _("Nouvel article")))
SECTION = register("news.section", Wording(True, _("rubrique"), _("une rubrique"), _("cette rubrique"), _("Nouvelle rubrique")))
PAGE = register("wagtailcore.page", Wording(True, _("page"), _("une page"), _("cette page"), _("Nouvelle page")))
IMAGE = register("news.newsimage", Wording(True, _("image"), _("une image"), _("cette image"), _("Nouvelle image")))


def _gendered(wording, masculine, feminine):
    return feminine if wording.feminine else masculine


def success_message(wording, view_name, action, instance, now):
    """What Wagtail's create and edit views say once a snippet is saved (generic/mixins.py), agreed in gender."""
    w = wording
    if action == "publish" and instance.go_live_at and instance.go_live_at > now:
        if view_name == "create":
            message = _gendered(w, _("%(name)s « %(object)s » créé et programmé."), _("%(name)s « %(object)s » créée et programmée."))
        elif instance.live:
            message = _gendered(
                w, _("%(name)s « %(object)s » est en ligne ; cette version est programmée."),
                _("%(name)s « %(object)s » est en ligne ; cette version est programmée."),
            )
        else:
            message = _gendered(w, _("%(name)s « %(object)s » programmé."), _("%(name)s « %(object)s » programmée."))
    elif action == "publish":
        if view_name == "create":
            message = _gendered(w, _("%(name)s « %(object)s » créé et publié."), _("%(name)s « %(object)s » créée et publiée."))
        else:
            message = _gendered(w, _("%(name)s « %(object)s » modifié et publié."), _("%(name)s « %(object)s » modifiée et publiée."))
    elif action == "submit":
        if view_name == "create":
            message = _gendered(
                w, _("%(name)s « %(object)s » créé et soumis à relecture."), _("%(name)s « %(object)s » créée et soumise à relecture.")
            )
        else:
            message = _gendered(w, _("%(name)s « %(object)s » soumis à relecture."), _("%(name)s « %(object)s » soumise à relecture."))
    elif action == "restart-workflow":
        message = _("Relecture de « %(object)s » relancée.")
    elif action == "cancel-workflow":
        message = _("Relecture de « %(object)s » annulée.")
    elif view_name == "create":
        message = _gendered(w, _("%(name)s « %(object)s » créé."), _("%(name)s « %(object)s » créée."))
    else:
        message = _gendered(w, _("%(name)s « %(object)s » modifié."), _("%(name)s « %(object)s » modifiée."))
    return message % {"name": capfirst(w.name), "object": get_latest_str(instance)}


def deleted_message(wording, instance):
    message = _gendered(wording, _("%(name)s « %(object)s » supprimé."), _("%(name)s « %(object)s » supprimée."))
    return message % {"name": capfirst(wording.name), "object": instance}


def unpublished_message(wording, instance):
    message = _gendered(wording, _("%(name)s « %(object)s » dépublié."), _("%(name)s « %(object)s » dépubliée."))
    return message % {"name": capfirst(wording.name), "object": instance}


def not_created_message(wording):
    message = _gendered(
        wording, _("%(this)s n’a pas pu être créé : corrigez les erreurs ci-dessous."),
        _("%(this)s n’a pas pu être créée : corrigez les erreurs ci-dessous."),
    )
    return capfirst(message % {"this": wording.this})


def not_saved_message(wording):
    message = _gendered(
        wording, _("%(this)s n’a pas pu être enregistré : corrigez les erreurs ci-dessous."),
        _("%(this)s n’a pas pu être enregistrée : corrigez les erreurs ci-dessous."),
    )
    return capfirst(message % {"this": wording.this})


def header_title(title, subtitle):
    """« Modification : Titre », with the no-break space French puts before a colon (Wagtail writes « Titre: »)."""
    return f"{title}{COLON} {subtitle}" if subtitle else title


class FrenchViewMixin:
    """For any of a viewset's views: the wording of its model, French typography in the header title."""

    @property
    def wording(self):
        return wording_for(self.model)

    def get_header_title(self):
        return header_title(self.get_page_title(), self.get_page_subtitle())


class FrenchIndexMixin(FrenchViewMixin):
    @property
    def add_item_label(self):
        return self.wording.add


class FrenchCreateMixin(FrenchViewMixin):
    def get_page_title(self):
        return self.wording.new

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if items:
            items[-1] = {**items[-1], "label": self.wording.new}
        return items

    def get_success_message(self, instance=None):
        return success_message(self.wording, "create", getattr(self, "action", "create"), instance or self.object, timezone.now())

    def get_error_message(self):
        if self.expects_json_response:
            return super().get_error_message()
        return not_created_message(self.wording)


class FrenchEditMixin(FrenchViewMixin):
    def get_success_message(self, instance=None):
        return success_message(self.wording, "edit", getattr(self, "action", "edit"), instance or self.object, timezone.now())

    def get_error_message(self):
        if self.expects_json_response or getattr(self, "locked_for_user", False):
            return super().get_error_message()
        return not_saved_message(self.wording)


class FrenchDeleteMixin(FrenchViewMixin):
    @property
    def confirmation_message(self):
        return _("Voulez-vous vraiment supprimer %(this)s ?") % {"this": self.wording.this}

    def get_success_message(self):
        return deleted_message(self.wording, self.object)


class FrenchUnpublishMixin(FrenchViewMixin):
    def get_success_message(self):
        return unpublished_message(self.wording, self.object)


VIEW_MIXINS = {
    "index_view_class": FrenchIndexMixin,
    "add_view_class": FrenchCreateMixin,
    "edit_view_class": FrenchEditMixin,
    "delete_view_class": FrenchDeleteMixin,
    "unpublish_view_class": FrenchUnpublishMixin,
}


def in_french(viewset_class):
    """A snippet viewset whose views take their labels and messages from its model's wording."""
    for attribute, mixin in VIEW_MIXINS.items():
        view_class = getattr(viewset_class, attribute, None)
        if view_class is None or issubclass(view_class, mixin):
            continue
        # Still the view it was (its module too: tests/test_bad_input.py tells the project's own views by it).
        french = type(view_class.__name__, (mixin, view_class), {"__module__": view_class.__module__})
        setattr(viewset_class, attribute, french)
    return viewset_class


class NewsInlinePanel(InlinePanel):
    """An InlinePanel whose add button says what it adds (« Ajouter un article à la une »): Wagtail's says
    « Ajouter un(e) %(label)s » (templates/wagtailadmin/panels/inline_panel.html reads add_label)."""

    def __init__(self, *args, add_label="", **kwargs):
        super().__init__(*args, **kwargs)
        self.add_label = add_label

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "add_label": self.add_label}
