"""The newsroom's « Dépêches » in Wagtail: a journalist writes, publishes, corrects and withdraws."""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from manchette.filinfo.models import Dispatch, FeedEntry
from manchette.live.models import Event

from .factories import publish_dispatch, save_dispatch

ADMIN = "wagtailsnippets_filinfo_dispatch"


def form(action=None, **overrides):
    data = {
        "title": "Incendie maîtrisé à Charleroi",
        "text": "Les pompiers ont éteint le feu vers 3 heures. Aucun blessé n’est à déplorer.",
        "source": "Agence Test",
        "article": "",
        **overrides,
    }
    if action:
        data[action] = action
    return data


def last_event():
    event = Event.objects.latest("id")
    return event.action, json.loads(event.data)


def test_a_journalist_publishes_corrects_and_withdraws_a_dispatch(client, staff, home):
    client.force_login(staff["journalist"])
    response = client.post(reverse(f"{ADMIN}:add"), form("action-publish", important="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    dispatch = Dispatch.objects.get()
    assert dispatch.live and dispatch.important
    entry = FeedEntry.objects.get(dispatch=dispatch)
    assert entry.title == "Incendie maîtrisé à Charleroi" and entry.important and entry.source == "Agence Test"
    action, data = last_event()
    assert action == "upsert" and data["key"] == entry.key and data["important"] is True

    client.logout()
    assert "Incendie maîtrisé" in client.get("/fil-info/").content.decode()
    client.force_login(staff["journalist"])

    # A correction is a new publication: same place in the feed, new text, no longer « La Une ».
    edit = reverse(f"{ADMIN}:edit", args=[dispatch.pk])
    assert client.post(edit, form("action-publish", title="Incendie maîtrisé à Charleroi : deux blessés légers")).status_code == 302
    corrected = FeedEntry.objects.get(dispatch=dispatch)
    assert corrected.title.endswith("deux blessés légers") and not corrected.important
    assert corrected.published_at == entry.published_at and corrected.pk == entry.pk
    assert last_event()[1]["important"] is False

    # A draft is not published: readers keep the published version.
    assert client.post(edit, form(title="Brouillon de suivi")).status_code == 302
    assert FeedEntry.objects.get(dispatch=dispatch).title.endswith("deux blessés légers")

    unpublish = reverse(f"{ADMIN}:unpublish", args=[dispatch.pk])
    assert client.get(unpublish).status_code == 200
    assert client.post(unpublish).status_code == 302
    assert not Dispatch.objects.get().live
    assert not FeedEntry.objects.exists()
    assert last_event() == ("remove", {"key": entry.key})
    client.logout()
    assert "Incendie maîtrisé" not in client.get("/fil-info/").content.decode()


def test_a_journalist_saves_a_draft_that_readers_never_see(client, staff, home):
    client.force_login(staff["journalist"])
    assert client.post(reverse(f"{ADMIN}:add"), form()).status_code == 302
    assert not Dispatch.objects.get().live and not FeedEntry.objects.exists() and not Event.objects.exists()


def test_invalid_dispatch_is_refused_in_french_and_nothing_is_saved(client, staff, home):
    client.force_login(staff["journalist"])
    response = client.post(reverse(f"{ADMIN}:add"), form("action-publish", title="", text="x" * 1300))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("#panel-child-title-errors .error-message").text.strip() == "Champ requis."
    assert "1200 caractères" in page.select_one("#panel-child-text-errors .error-message").text
    assert not Dispatch.objects.exists() and not FeedEntry.objects.exists()


def test_the_list_filters_and_searches(client, staff, home):
    publish_dispatch("Orage sur Liège", important=True, source="Agence Test")
    publish_dispatch("Match reporté à Mons", source="Autre agence")
    save_dispatch("Brouillon sur la grève")
    client.force_login(staff["journalist"])
    url = reverse(f"{ADMIN}:list")

    def titles(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        return sorted(a.text.strip() for a in page.select("table tbody .title-wrapper a"))

    page = client.get(url).content.decode()
    assert "Dépêches" in page and "La Une" in page and "Statut" in page
    assert titles() == ["Brouillon sur la grève", "Match reporté à Mons", "Orage sur Liège"]
    assert titles(important="true") == ["Orage sur Liège"]
    assert titles(live="false") == ["Brouillon sur la grève"]
    assert titles(source="Autre agence") == ["Match reporté à Mons"]
    assert titles(q="Mons") == ["Match reporté à Mons"]


@pytest.mark.parametrize("role, allowed", [("journalist", True), ("editor", True), ("moderator", False)])
def test_who_may_write_dispatches(client, staff, role, allowed):
    client.force_login(staff[role])
    response = client.get(reverse(f"{ADMIN}:add"))
    assert (response.status_code == 200) == allowed
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (reverse(f"{ADMIN}:list") in menu) == allowed


def test_editors_may_unlock_what_a_journalist_locked(client, staff, home):
    dispatch = publish_dispatch("Verrouillée")
    client.force_login(staff["journalist"])
    assert client.post(reverse(f"{ADMIN}:lock", args=[dispatch.pk])).status_code == 302
    assert Dispatch.objects.get().locked
    client.force_login(staff["editor"])
    assert client.post(reverse(f"{ADMIN}:unlock", args=[dispatch.pk])).status_code == 302
    assert not Dispatch.objects.get().locked
