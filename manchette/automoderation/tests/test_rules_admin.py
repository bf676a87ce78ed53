"""The word lists in the admin (« Mots surveillés »): for moderators only, searchable, a word added counts at the
next comment, and a word the rules could not read or that is already listed under another spelling is refused
with a French message, nothing saved."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from manchette.automoderation import rules
from manchette.automoderation.models import Word
from manchette.comments import screening

INDEX = "/admin/mots-surveilles/"
ADD = "/admin/mots-surveilles/new/"


@pytest.fixture(autouse=True)
def fresh_lists(db):
    rules.words_changed()
    yield
    rules.words_changed()


@pytest.fixture
def moderator_client(staff):
    client = Client()
    client.force_login(staff["moderator"])
    return client


def listed(client, query=""):
    page = BeautifulSoup(client.get(INDEX + query).content, "html.parser")
    return [cell.select_one("a").get_text(strip=True) for cell in page.select("table tbody tr td.title")]


def test_moderators_find_the_lists_beside_the_comments(moderator_client):
    menu = moderator_client.get("/admin/").content.decode()
    # The sidebar's items, in Wagtail's JSON: « Mots surveillés » right after « Commentaires ».
    assert '"label": "Commentaires"' in menu and '"label": "Mots surveill\\u00e9s"' in menu
    assert menu.index('"url": "/admin/moderation/"') < menu.index('"url": "/admin/mots-surveilles/"')
    words = listed(moderator_client)
    assert "connard" in words and "viagra" in words
    assert listed(moderator_client, "?q=pute") == ["fils de pute", "pute"]
    assert set(listed(moderator_client, "?kind=suspect")) >= {"viagra", "enfoiré"} and "connard" not in listed(moderator_client, "?kind=suspect")


def test_a_word_added_by_a_moderator_is_theirs_and_counts_at_once(moderator_client, staff, reader):
    answer = moderator_client.post(ADD, {"kind": "banned", "text": "  Gros   nul ", "note": "Insulte du forum"})
    assert answer.status_code == 302
    word = Word.objects.get(text="Gros nul")
    assert (word.kind, word.note, word.created_by) == ("banned", "Insulte du forum", staff["moderator"])
    verdict = screening.Verdict()
    rules.check(screening.Submission(user=reader, article=None, text="Quel GR0S NUL"), verdict)
    assert verdict.rejected and verdict.flags[0].matched == "GR0S NUL"
    assert moderator_client.post(f"/admin/mots-surveilles/delete/{word.pk}/").status_code == 302
    assert not Word.objects.filter(pk=word.pk).exists()


@pytest.mark.parametrize("text, message", [
    ("!!! ???", "ne contient aucune lettre"),
    ("\u200b\u202e", "ne contient aucune lettre"),
    ("x", "Un mot d’une seule lettre"),
    ("un deux trois quatre cinq six sept huit neuf", "8 mots au plus"),
    ("CONNARD", "Déjà dans la liste « Interdit (refusé) », écrit « connard »"),
    ("с0nnаrd", "Déjà dans la liste « Interdit (refusé) », écrit « connard »"),
    ("Viagra", "Déjà dans la liste « Suspect (retenu) », écrit « viagra »"),
    ("x" * 101, "100 caractères"),
    ("", "Champ requis."),
])
def test_a_word_the_rules_cannot_use_is_refused_in_french(moderator_client, text, message):
    before = Word.objects.count()
    answer = moderator_client.post(ADD, {"kind": "banned", "text": text})
    assert answer.status_code == 200
    errors = BeautifulSoup(answer.content, "html.parser").get_text(" ")
    assert message in errors.replace("\u00a0", " ")
    assert Word.objects.count() == before


@pytest.mark.parametrize("data", [
    {"kind": "autre", "text": "patate"},
    {"kind": "banned\x00", "text": "patate"},
    {"kind": "banned", "text": "pat\x00ate"},
    {"kind": "banned", "text": "patate\n" * 20},
    {"kind": "banned", "text": "patate", "note": "n" * 10_000},
    {},
])
def test_garbage_is_refused_without_an_error_page(moderator_client, data):
    before = Word.objects.count()
    answer = moderator_client.post(ADD, data)
    assert answer.status_code in (200, 400)
    assert Word.objects.count() == before


def test_an_edit_keeps_its_own_spelling_free(moderator_client):
    word = Word.objects.get(text="connard")
    answer = moderator_client.post(f"/admin/mots-surveilles/edit/{word.pk}/", {"kind": "banned", "text": "Connard", "note": "majuscule"})
    assert answer.status_code == 302
    word.refresh_from_db()
    assert (word.text, word.note) == ("Connard", "majuscule")


@pytest.mark.parametrize("who", ["journalist", "editor_without_moderation", "anonymous"])
def test_others_cannot_reach_the_lists(staff, django_user_model, who):
    client = Client()
    if who == "journalist":
        client.force_login(staff["journalist"])
    elif who == "editor_without_moderation":
        client.force_login(django_user_model.objects.create_user("stagiaire", "stagiaire@example.com", "x", is_staff=True))
    before = Word.objects.count()
    for answer in (client.get(INDEX), client.post(ADD, {"kind": "banned", "text": "patate"}),
                   client.post(f"/admin/mots-surveilles/delete/{Word.objects.first().pk}/")):
        assert answer.status_code in (302, 403)
        if answer.status_code == 302:
            assert not answer["Location"].startswith("/admin/mots-surveilles/")
    assert Word.objects.count() == before
    if who == "journalist":
        assert "/admin/mots-surveilles/" not in client.get("/admin/").content.decode()
