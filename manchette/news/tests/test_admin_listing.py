"""The page explorer's listing of a section: the same rows, columns, filters and actions as Wagtail's own,
without the queries that grow with the whole tree.

Wagtail's own listing (base_page_viewset) is the reference: both render the results table for the same
request and must show the same pages in the same order, with the same cells.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.viewsets.pages import base_page_viewset, page_viewset_registry
from wagtail.models import GroupPagePermission, Page, PageLogEntry

from manchette.news import wagtail_hooks
from manchette.news.admin_listing import SectionViewSet, register_section_viewset
from manchette.news.management.commands.setup_newsroom import EDITORS, JOURNALISTS
from manchette.news.models import HomePage, Section

from .factories import ArticleFactory, SectionFactory

WHOLE_TREE_CHECK = '"wagtailcore_page"."id" IN (SELECT'
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def newsroom(home, django_user_model):
    now = timezone.now()
    monde = SectionFactory(title="Monde", slug="monde")
    europe = SectionFactory(title="Europe", slug="europe", parent=monde, latest_revision_created_at=now - HOUR * 24)
    sport = SectionFactory(title="Sport", slug="sport")
    for n in range(7):
        ArticleFactory(parent=monde, title=f"Sommet du budget {n}", latest_revision_created_at=now - HOUR * n)
    ArticleFactory(parent=monde, title="Brouillon du budget", live=False, latest_revision_created_at=None)
    ArticleFactory(parent=europe, title="Budget européen", latest_revision_created_at=now)

    def member(username, group):
        user = django_user_model.objects.create_user(username, f"{username}@example.com", "motdepasse-solide")
        user.groups.add(group)
        return user

    # Two sections of their own: the front page and Monde lead to them, and show nothing else.
    correspondents = Group.objects.create(name="Correspondants")
    correspondents.permissions.add(Permission.objects.get(codename="access_admin"))
    for section in (europe, sport):
        GroupPagePermission.objects.create(
            group=correspondents, page=section, permission=Permission.objects.get(codename="change_page")
        )
    users = {
        "admin": django_user_model.objects.create_superuser("admin", "admin@example.com", "motdepasse-solide"),
        "editor": member("marc", Group.objects.get(name=EDITORS)),
        "journalist": member("lea", Group.objects.get(name=JOURNALISTS)),
        "correspondent": member("ana", correspondents),
    }
    Page.objects.filter(pk__in=[monde.pk, europe.pk]).update(owner=users["journalist"])
    PageLogEntry.objects.log_action(europe, "wagtail.edit", user=users["editor"])
    return {"monde": monde, "europe": europe, "sport": sport, "home": HomePage.objects.get(), "users": users}


def rows(html):
    """Each row of the results table: the page id and the text of every cell."""
    table = BeautifulSoup(html, "html.parser").select_one("table.listing")
    return [(row.select_one("[id^=page_][id$=_title]")["id"], [text(td) for td in row("td")]) for row in table.select("tbody tr")]


def text(element):
    return " ".join(element.get_text(" ", strip=True).split())


def wagtail_results(user, page, query):
    request = RequestFactory().get(f"/admin/pages/{page.pk}/results/", query)
    request.user = user
    response = base_page_viewset.index_results_view(request, parent_page_id=page.pk)
    return response.render().content.decode()


def test_sections_and_the_front_page_are_listed_by_the_section_viewset():
    # Wagtail finds hooks in wagtail_hooks modules only; this module imports admin_listing itself.
    assert wagtail_hooks.register_section_viewset is register_section_viewset
    reverse("wagtailadmin_explore_root")  # the admin's URLs register the viewsets when first loaded
    for model in (HomePage, Section):
        assert isinstance(page_viewset_registry.get_by_parent_model(model), SectionViewSet)


@pytest.mark.parametrize("who", ["admin", "editor", "journalist", "correspondent"])
@pytest.mark.parametrize(
    "query",
    [
        {}, {"ordering": "title"}, {"ordering": "latest_revision_created_at"}, {"p": "2"},
        {"q": "budget"}, {"q": "budget", "search_all": "1"},
    ],
)
def test_same_rows_and_cells_as_wagtails_own_listing(client, newsroom, who, query):
    user = newsroom["users"][who]
    client.force_login(user)
    for page in (newsroom["monde"], newsroom["home"]):
        response = client.get(f"/admin/pages/{page.pk}/results/", query)
        assert response.status_code == 200
        assert rows(response.content.decode()) == rows(wagtail_results(user, page, query))


def test_a_correspondent_sees_only_the_way_to_their_sections(client, newsroom):
    client.force_login(newsroom["users"]["correspondent"])
    for page, shown in ((newsroom["monde"], ["europe"]), (newsroom["home"], ["monde", "sport"])):
        with CaptureQueriesContext(connection) as queries:
            listed = rows(client.get(f"/admin/pages/{page.pk}/", {"ordering": "title"}).content.decode())
        assert [page_id for page_id, _ in listed] == [f"page_{newsroom[name].pk}_title" for name in shown]
        # No permission on the page explored or above it: Wagtail's own check is kept.
        assert any(WHOLE_TREE_CHECK in q["sql"] for q in queries.captured_queries)


# Not journalists: without the publish permission, Wagtail checks each row for live pages below it before
# offering « Supprimer » (PagePermissionTester.can_delete), one small query per row and button.
@pytest.mark.parametrize("who", ["admin", "editor"])
def test_a_section_listing_costs_the_same_queries_whatever_its_size(client, newsroom, who):
    client.force_login(newsroom["users"][who])
    url = f"/admin/pages/{newsroom['monde'].pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert len(rows(client.get(url).content.decode())) == 9
    for n in range(15):
        ArticleFactory(parent=newsroom["monde"], title=f"Conseil européen {n}")
    with CaptureQueriesContext(connection) as many:
        assert len(rows(client.get(url).content.decode())) == 24
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not any(WHOLE_TREE_CHECK in q["sql"] for q in many.captured_queries)


def test_the_newsroom_keeps_title_status_date_type_and_actions(client, newsroom):
    client.force_login(newsroom["users"]["editor"])
    page = BeautifulSoup(client.get(f"/admin/pages/{newsroom['monde'].pk}/").content, "html.parser")
    headers = text(page.select_one("table.listing thead"))
    for label in ("Titre", "Mis à jour", "Type", "Statut"):
        assert label in headers
    cells = dict(rows(str(page)))
    draft = Page.objects.get(title="Brouillon du budget")
    assert "brouillon" in " ".join(cells[f"page_{draft.pk}_title"]).lower()
    first = Page.objects.get(title="Sommet du budget 0")
    assert f"/admin/pages/{first.pk}/edit/" in str(page) and f"/admin/pages/{first.pk}/move/" in str(page)
    assert "Article" in cells[f"page_{first.pk}_title"]


def test_owner_and_edited_by_filters_offer_the_same_users(client, newsroom):
    users = newsroom["users"]
    client.force_login(users["admin"])
    page = BeautifulSoup(client.get(f"/admin/pages/{newsroom['monde'].pk}/").content, "html.parser")
    offered = {name: {int(box["value"]) for box in page.select(f"input[name={name}]")} for name in ("owner", "edited_by")}
    assert offered == {"owner": {users["journalist"].pk}, "edited_by": {users["editor"].pk}}
    owned = client.get(f"/admin/pages/{newsroom['monde'].pk}/results/", {"owner": users["journalist"].pk})
    owned = rows(owned.content.decode())
    assert [page_id for page_id, _ in owned] == [f"page_{newsroom['europe'].pk}_title"]
