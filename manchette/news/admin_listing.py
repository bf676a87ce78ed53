"""The page explorer's listing of the front page and of each section, kept quick at 20,000 articles a section.

Wagtail's listing stays as it is (title and actions, date, type, status, filters, search, ordering, 50 rows a
page); three of its queries grow with the whole tree rather than with the rows shown, and are replaced by
equivalent ones:

- each page listed is checked against every page the user may explore (`pk IN (…)` over the whole tree, an
  OR per permission): when the user holds an explorer permission on the section itself or above, every
  page below it is explorable, so the check is left out;
- the « Auteur » (owner) and « Modifié par » filters list users through a DISTINCT over every page or every log
  entry: an EXISTS per user gives the same users through the owner and user indexes;
- the parent page's column is not shown when exploring (Wagtail drops it), yet Wagtail loads every row's
  parent for it.

Sorting by last revision is served by the index of migration news/0004. What is left is Wagtail rendering
50 rows, about 2 ms a row on the benchmark machine.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from wagtail.admin.views.pages.listing import ExplorableIndexView, GenericPageFilterSet
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page, PageLogEntry

from .models import HomePage, Section

# The actions that make a page explorable, as in Wagtail's PagePermissionPolicy.explorable_instances().
EXPLORE_ACTIONS = {"add", "change", "publish", "lock", "unlock", "bulk_delete"}


def page_owners(request):
    return get_user_model().objects.filter(Exists(Page.objects.filter(owner=OuterRef("pk"))))


def page_editors(request):
    edits = PageLogEntry.objects.filter(action="wagtail.edit", user=OuterRef("pk"))
    return get_user_model().objects.filter(Exists(edits))


class SectionPageFilterSet(GenericPageFilterSet):
    """Wagtail's filters, labels and widgets, with their lists of users found per user."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = page_owners
        self.filters["edited_by"].queryset = page_editors


class SectionExplorerView(ExplorableIndexView):
    base_columns = [column for column in ExplorableIndexView.base_columns if column.name != "parent"]

    def get_base_queryset(self):
        if self.is_searching_whole_tree or not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, EXPLORE_ACTIONS, self.parent_page
        ):
            return super().get_base_queryset()
        if self.is_searching or self.is_filtering:
            pages = self.model._default_manager.descendant_of(self.parent_page)
        else:
            pages = self.model._default_manager.child_of(self.parent_page)
        return self.annotate_queryset(pages)


class SectionViewSet(PageViewSet):
    """Sections' own views as Wagtail's, and the explorer's listing of what the front page or a section holds."""

    model = Section
    index_view_class = SectionExplorerView
    filterset_class = SectionPageFilterSet
    parent_models = [HomePage, Section]

    def get_index_view_kwargs(self, **kwargs):
        # A section holds articles and sub-sections: list pages of every type, as Wagtail does.
        return super().get_index_view_kwargs(model=Page, **kwargs)


def register_section_viewset():
    return SectionViewSet("sections")
