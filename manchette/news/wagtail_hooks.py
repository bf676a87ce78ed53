from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Author, Story


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = _("Auteurs")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "role"]
    search_fields = ["name"]


class StoryViewSet(SnippetViewSet):
    model = Story
    icon = "folder-open-inverse"
    menu_label = _("Sujets")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["title", "created_at"]
    search_fields = ["title"]


register_snippet(AuthorViewSet)
register_snippet(StoryViewSet)
