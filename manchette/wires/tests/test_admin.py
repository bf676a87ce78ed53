"""Wire sources in the admin: editors manage them and their token, shown once; journalists cannot."""

import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from manchette.news.management.commands.setup_newsroom import EDITORS, JOURNALISTS
from manchette.wires.ingest import ingest
from manchette.wires.models import WireSource, token_digest

from .conftest import sample

# What setup_newsroom is to give the editors (the administrators have every permission).
EDITOR_PERMISSIONS = ["add_wiresource", "change_wiresource", "delete_wiresource", "view_wiresource"]


@pytest.fixture
def staff(django_user_model, home):
    Group.objects.get(name=EDITORS).permissions.add(
        *Permission.objects.filter(content_type__app_label="wires", codename__in=EDITOR_PERMISSIONS)
    )

    def member(username, group):
        user = django_user_model.objects.create_user(username, f"{username}@example.com", "motdepasse-solide")
        user.groups.add(Group.objects.get(name=group))
        return user

    return {"journalist": member("lea", JOURNALISTS), "editor": member("marc", EDITORS)}


def token_url(source):
    return reverse("wagtailsnippets_wires_wiresource:token", args=[source.pk])


def shown_token(response):
    html = response.content.decode()
    start = html.index('id="token-value"')
    value = html.index('value="', start) + len('value="')
    return html[value : html.index('"', value)]


def test_an_editor_creates_a_source_without_any_token_field(client, staff):
    client.force_login(staff["editor"])
    add_url = reverse("wagtailsnippets_wires_wiresource:add")
    form = client.get(add_url).content.decode()
    assert 'name="publish_immediately"' in form and "token" not in form.split('<form', 1)[1].split("</form>")[0].replace("csrfmiddlewaretoken", "")
    response = client.post(add_url, {"name": "Presse Sambre-et-Meuse", "slug": "psm", "publish_immediately": "True", "active": "on"})
    assert response.status_code == 302
    source = WireSource.objects.get(slug="psm")
    assert source.publish_immediately and source.active and not source.token_hash


def test_an_editor_generates_a_token_shown_once_that_opens_the_endpoint(client, staff, agency):
    client.force_login(staff["editor"])
    listing = client.get(reverse("wagtailsnippets_wires_wiresource:list")).content.decode()
    assert token_url(agency) in listing and "aucun" in listing
    assert token_url(agency) in client.get(reverse("wagtailsnippets_wires_wiresource:edit", args=[agency.pk])).content.decode()

    page = client.get(token_url(agency))
    assert page.status_code == 200 and "Générer un jeton" in page.content.decode()
    response = client.post(token_url(agency), {"action": "generate"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = shown_token(response)
    agency.refresh_from_db()
    assert agency.token_hash == token_digest(token) and agency.token_prefix == token[:8]
    assert "/api/depeches/" in response.content.decode()

    # Never shown again: neither on the token page nor in the listing, which shows its first characters only.
    assert token not in client.get(token_url(agency)).content.decode()
    listing = client.get(reverse("wagtailsnippets_wires_wiresource:list")).content.decode()
    assert token not in listing and f"{agency.token_prefix}…" in listing

    client.logout()
    answer = client.post("/api/depeches/", json.dumps(sample("valid/2x_greve_tec.json")), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 201


def test_regenerating_replaces_and_revoking_disables_the_token(client, staff, agency):
    client.force_login(staff["editor"])
    first = shown_token(client.post(token_url(agency), {"action": "generate"}))
    second = shown_token(client.post(token_url(agency), {"action": "generate"}))
    assert first != second
    assert WireSource.for_token(first) is None and WireSource.for_token(second) == agency

    response = client.post(token_url(agency), {"action": "revoke"})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailsnippets_wires_wiresource:edit", args=[agency.pk])
    agency.refresh_from_db()
    assert agency.token_revoked_at is not None and WireSource.for_token(second) is None
    assert "révoqué le" in client.get(reverse("wagtailsnippets_wires_wiresource:list")).content.decode()


def test_a_source_that_sent_wires_is_put_out_of_service_not_deleted(client, staff, agency, cautious_agency):
    client.force_login(staff["editor"])
    ingest(agency, sample("valid/2x_greve_tec.json"))
    delete_url = reverse("wagtailsnippets_wires_wiresource:delete", args=[agency.pk])
    listing = reverse("wagtailsnippets_wires_wiresource:list")
    for method in (client.get, client.post):
        response = method(delete_url)
        assert response.status_code == 302 and response["Location"] == listing
    # The listing's bulk deletion is held back the same way.
    bulk = reverse("wagtail_bulk_action", args=("wires", "wiresource", "delete")) + f"?id={agency.pk}&next={listing}"
    assert client.post(bulk).status_code == 302
    assert WireSource.objects.filter(pk=agency.pk).exists()
    assert "hors service" in client.get(listing).content.decode()
    # One that never sent anything can go.
    assert client.post(reverse("wagtailsnippets_wires_wiresource:delete", args=[cautious_agency.pk])).status_code == 302
    assert not WireSource.objects.filter(pk=cautious_agency.pk).exists()


def test_an_unknown_action_changes_nothing(client, staff, agency):
    client.force_login(staff["editor"])
    token = agency.generate_token()
    assert client.post(token_url(agency), {"action": "tout-casser"}).status_code == 400
    assert WireSource.for_token(token) == agency


def test_a_journalist_cannot_see_sources_nor_touch_tokens(client, staff, agency):
    token = agency.generate_token()
    client.force_login(staff["journalist"])
    assert client.get(reverse("wagtailsnippets_wires_wiresource:list")).status_code in (302, 403)
    assert client.get(token_url(agency)).status_code in (302, 403)
    response = client.post(token_url(agency), {"action": "generate"})
    assert response.status_code in (302, 403) and 'id="token-value"' not in response.content.decode()
    client.post(token_url(agency), {"action": "revoke"})
    assert WireSource.for_token(token) == agency


def test_anonymous_visitors_are_sent_to_the_login_page(client, agency):
    response = client.post(token_url(agency), {"action": "generate"})
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/?next=")
    assert not WireSource.objects.get(pk=agency.pk).token_hash
