"""The trust panel on a reader's page in the moderators' admin, and its buttons: for moderators only, CSRF-checked,
and sent garbage (tests/test_bad_input.py names the view in OWN_ADMIN_VIEWS) without a 5xx or a change."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from manchette.automoderation import trust
from manchette.automoderation.models import Trust
from manchette.comments.models import Decision, Status


def one_line(text):
    return re.sub(r"[ \t\n]+", " ", text).strip()  # no-break spaces kept: French typography is checked


def url(user):
    return f"/admin/moderation/confiance/{user.pk}/"


def page(client, user):
    return BeautifulSoup(client.get(f"/admin/moderation/lecteur/{user.pk}/").content, "html.parser")


@pytest.fixture
def moderator_client(staff):
    client = Client()
    client.force_login(staff["moderator"])
    return client


def test_the_panel_says_the_level_and_why(moderator_client, reader, make_comment, article, settings):
    settings.COMMENTS_TRUST_APPROVED = 3
    long_ago = timezone.now() - datetime.timedelta(days=90)
    for n in range(4):
        make_comment(article, reader, text=f"Avis {n}", created_at=long_ago, moderated_at=long_ago)
    make_comment(article, reader, text="Refusé", status=Status.REJECTED, created_at=long_ago, moderated_at=long_ago)
    panel = page(moderator_client, reader).select_one('section[aria-labelledby="confiance"]')
    text = one_line(panel.get_text(" "))
    assert "Niveau\u00a0: De confiance — selon son historique" in text
    assert "4 commentaires publiés par un modérateur (3 pour la confiance)" in text
    assert "1 refusés parmi ses 10 derniers commentaires tranchés" in text
    assert panel.select_one('button[value="automatique"]').has_attr("disabled")


def test_a_moderator_sets_the_level_and_goes_back_to_the_page(moderator_client, reader, staff):
    answer = moderator_client.post(url(reader), {"niveau": "premoderation", "motif": "Messages\n  en série",
                                                 "next": f"/admin/moderation/lecteur/{reader.pk}/"})
    assert answer.status_code == 302 and answer["Location"] == f"/admin/moderation/lecteur/{reader.pk}/"
    assert Trust.objects.get(user=reader).level == trust.PREMODERATED
    decision = Decision.objects.get(action=Decision.Action.TRUST)
    assert (decision.moderator, decision.reason) == (staff["moderator"], "Prémodéré\u00a0: Messages en série")
    panel = page(moderator_client, reader).select_one('section[aria-labelledby="confiance"]')
    text = one_line(panel.get_text(" "))
    assert "Niveau\u00a0: Prémodéré — choisi par" in text and "(Messages en série)" in text
    assert panel.select_one('button[value="premoderation"]').has_attr("disabled")

    moderator_client.post(url(reader), {"niveau": "premoderation"})
    assert Decision.objects.filter(action=Decision.Action.TRUST).count() == 1, "a second click records nothing"
    moderator_client.post(url(reader), {"niveau": "automatique"})
    assert not Trust.objects.exists()


def test_only_moderators_may_and_csrf_is_checked(staff, reader):
    client = Client()
    client.force_login(staff["journalist"])
    assert client.post(url(reader), {"niveau": "confiance"}).status_code == 403
    anonymous = Client().post(url(reader), {"niveau": "confiance"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/compte/login/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff["moderator"])
    assert strict.post(url(reader), {"niveau": "confiance"}).status_code == 403
    assert moderator_get(staff, reader).status_code == 405
    assert not Trust.objects.exists() and not Decision.objects.exists()


def moderator_get(staff, reader):
    client = Client()
    client.force_login(staff["moderator"])
    return client.get(url(reader))


def test_a_moderator_cannot_set_their_own_level(moderator_client, staff):
    answer = moderator_client.post(url(staff["moderator"]), {"niveau": "confiance"})
    assert answer.status_code == 400 and "propre niveau" in answer.content.decode()
    assert not Trust.objects.exists()


FRENCH = re.compile(r"[éèàçù’]|\b(des|de|le|la|ou|au)\b")


def test_trust_with_garbage(moderator_client, reader):
    before = list(Trust.objects.values_list()), Decision.objects.count()
    problems = []
    for value in ["0", "-1", "99999999999999999999", str(2**63), "%00", "x" * 2000, "٣"]:
        answer = moderator_client.post(f"/admin/moderation/confiance/{value}/", {"niveau": "confiance"})
        if answer.status_code not in (400, 404):
            problems.append((value, answer.status_code))
    for data in [{}, {"niveau": ""}, {"niveau": "CONFIANCE"}, {"niveau": "confiance\x00"}, {"niveau": ["a", "b"]},
                 {"niveau": "x" * 100_000}, {"niveau": "confiance", "motif": "x" * 301},
                 {"niveau": "confiance", "motif": "\x00"}, {"niveau": "confiance", "next": "https://evil.example/"}]:
        answer = moderator_client.post(url(reader), data)
        if answer.status_code == 302:
            assert answer["Location"].startswith("/admin/"), "never sent elsewhere"
            Trust.objects.all().delete()
            Decision.objects.all().delete()
        elif answer.status_code != 400 or not FRENCH.search(answer.content.decode()):
            problems.append((str(data)[:80], answer.status_code))
    assert problems == []
    assert (list(Trust.objects.values_list()), Decision.objects.count()) == before
