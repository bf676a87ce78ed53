"""What readers reach from the e-mails and the site: one-click unsubscribe (RFC 8058), preferences, the archive
and web versions, and their account (the /compte/ link, the data download, deletion)."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from manchette.newsletters import links
from manchette.newsletters.models import (
    Edition,
    EditionStatus,
    Frequency,
    Newsletter,
    Subscriber,
    Subscription,
    Suppression,
)


@pytest.fixture
def lists(db):
    return {
        "morning": Newsletter.objects.create(name="La Une du matin", slug="une-du-matin", description="Les titres.", position=1),
        "alerts": Newsletter.objects.create(name="Alertes", slug="alertes", description="L’urgent.",
                                            frequency=Frequency.MANUAL, position=2),
    }


@pytest.fixture
def subscriber(lists):
    found = Subscriber.objects.create(email="claire@example.com", confirmed_at=timezone.now())
    for newsletter in lists.values():
        Subscription.objects.create(subscriber=found, newsletter=newsletter, source="/x/", consent_text="Oui.")
    return found


def path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def active(subscriber):
    return set(Subscription.objects.filter(subscriber=subscriber, active=True).values_list("newsletter__slug", flat=True))


def test_one_click_post_without_csrf_leaves_the_list_the_link_names(subscriber, lists):
    url = path(links.unsubscribe_url(subscriber, lists["morning"]))
    client = Client(enforce_csrf_checks=True)
    # Opening the link (a mail scanner, a preview) changes nothing.
    page = client.get(url)
    assert page.status_code == 200 and "Me désabonner" in page.content.decode()
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]
    assert active(subscriber) == {"une-du-matin", "alertes"}
    # What a mail client sends (List-Unsubscribe-Post), with no CSRF token.
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "vous ne recevrez plus" in response.content.decode()
    assert active(subscriber) == {"alertes"}
    assert Subscription.objects.get(subscriber=subscriber, newsletter=lists["morning"]).ended_at is not None
    # Again: the same page, nothing changes.
    ended = Subscription.objects.get(subscriber=subscriber, newsletter=lists["morning"]).ended_at
    assert client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded").status_code == 200
    assert Subscription.objects.get(subscriber=subscriber, newsletter=lists["morning"]).ended_at == ended


def test_a_link_without_a_list_leaves_them_all_and_suppresses_the_address(subscriber):
    url = path(links.unsubscribe_url(subscriber))
    response = Client(enforce_csrf_checks=True).post(url)
    assert response.status_code == 200
    assert active(subscriber) == set() and Suppression.holds("claire@example.com")


@pytest.mark.parametrize("token", ["x", "0" * 32, "a" * 300, "%00", "abc:def"])
def test_forged_unsubscribe_and_preferences_links_get_a_clear_page_and_change_nothing(subscriber, token):
    for prefix in ("/newsletters/desabonnement/", "/newsletters/preferences/"):
        for method in ("get", "post"):
            response = getattr(Client(), method)(f"{prefix}{token}/")
            assert response.status_code == 400
            assert "n’est pas valable" in response.content.decode()
    real = links.subscriber_token(subscriber)
    tampered = real[:-1] + ("A" if real[-1] != "A" else "B")
    assert Client().post(f"/newsletters/desabonnement/{tampered}/").status_code == 400
    assert active(subscriber) == {"une-du-matin", "alertes"} and not Suppression.objects.exists()


def test_a_link_that_outlived_its_subscriber_names_nobody(subscriber):
    url = path(links.unsubscribe_url(subscriber))
    subscriber.delete()
    assert Client().post(url).status_code == 200
    assert Client().get(url.replace("desabonnement", "preferences")).status_code == 404


def test_preferences_change_lists_and_leave_everything(subscriber, lists):
    url = path(links.preferences_url(subscriber))
    client = Client()
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "claire@example.com" in text and "Me désabonner de tout" in text
    assert text.count("checked") == 2
    response = client.post(url, {"listes": [lists["alerts"].pk]})
    assert response.status_code == 200 and "Vos choix sont enregistrés" in response.content.decode()
    assert active(subscriber) == {"alertes"}
    # Back to the morning list: a new consent, recorded.
    client.post(url, {"listes": [lists["alerts"].pk, lists["morning"].pk]})
    morning = Subscription.objects.get(subscriber=subscriber, newsletter=lists["morning"])
    assert morning.active and morning.source == "préférences" and morning.consent_text.startswith("Je veux recevoir")
    response = client.post(url, {"tout": "1"})
    assert response.status_code == 200 and active(subscriber) == set()
    assert Suppression.holds(subscriber.email)
    # Coming back from the preferences page (the link proves the mailbox) lifts the suppression.
    client.post(url, {"listes": [lists["alerts"].pk]})
    assert active(subscriber) == {"alertes"} and not Suppression.holds(subscriber.email)


def test_preferences_with_garbage_change_nothing(subscriber):
    url = path(links.preferences_url(subscriber))
    for chosen in (["x"], ["99999999999999999999"], ["%00"]):
        assert Client().post(url, {"listes": chosen}).status_code == 400
    assert active(subscriber) == {"une-du-matin", "alertes"}


def test_preferences_confirm_an_unconfirmed_subscriber(lists):
    pending = Subscriber.objects.create(email="attente@example.com")
    Client().post(path(links.preferences_url(pending)), {"listes": [lists["alerts"].pk]})
    pending.refresh_from_db()
    assert pending.confirmed_at is not None and active(pending) == {"alertes"}


def edition(newsletter, status, subject, html="", finished=None):
    return Edition.objects.create(newsletter=newsletter, subject=subject, status=status, html=html,
                                  finished_at=finished or (timezone.now() if status == EditionStatus.SENT else None))


def test_the_archive_shows_sent_editions_only(lists):
    html = ('<!DOCTYPE html><html><body><p style="color:red">Bonjour</p><a href="%%desabonnement%%">Se désabonner</a>'
            '<a href="%%preferences%%">Gérer</a><a href="%%version_web%%">Web</a></body></html>')
    sent = edition(lists["morning"], EditionStatus.SENT, "La Une du 3 mars", html)
    Edition.objects.filter(pk=sent.pk).update(intro="Bonjour à toutes et à tous")
    draft = edition(lists["morning"], EditionStatus.DRAFT, "Brouillon secret", html)
    sending = edition(lists["alerts"], EditionStatus.SENDING, "Alerte en cours", html)
    page = Client().get("/newsletters/archives/")
    text = page.content.decode()
    assert page.status_code == 200 and "La Une du 3 mars" in text
    assert "Brouillon secret" not in text and "Alerte en cours" not in text
    web = Client().get(f"/newsletters/archives/une-du-matin/{sent.pk}/")
    body = web.content.decode()
    assert web.status_code == 200 and "Bonjour" in body and "%%" not in body
    assert "/newsletters/" in body and "'unsafe-inline'" in web["Content-Security-Policy"].split("style-src")[1].split(";")[0]
    assert "script-src 'self'" in web["Content-Security-Policy"]
    assert Client().get(f"/newsletters/archives/{sent.pk}/").status_code == 301
    assert Client().get(f"/newsletters/archives/alertes/{sent.pk}/").status_code == 301
    for other in (draft, sending):
        assert Client().get(f"/newsletters/archives/une-du-matin/{other.pk}/").status_code == 404
        assert Client().get(f"/newsletters/archives/{other.pk}/").status_code == 404
    for number in ("2", "0", "x", "99999999999999999999"):
        assert Client().get(f"/newsletters/archives/?page={number}").status_code == 404


@pytest.fixture
def reader(django_user_model):
    user = django_user_model.objects.create_user("claire", "claire@example.com", "motdepasse-solide-42")
    EmailAddress.objects.create(user=user, email="claire@example.com", verified=True, primary=True)
    return user


def test_the_account_page_links_to_the_preferences_and_the_download_holds_the_consents(subscriber, reader):
    client = Client()
    client.force_login(reader)
    page = client.get("/compte/").content.decode()
    assert "Gérer mes newsletters" in page and links.preferences_url(subscriber).split("://")[1].split("/", 1)[1] in page
    data = json.loads(client.get("/compte/donnees/").content)
    assert data["newsletters"]["adresse"] == "claire@example.com"
    assert {item["newsletter"] for item in data["newsletters"]["abonnements"]} == {"La Une du matin", "Alertes"}
    assert data["newsletters"]["abonnements"][0]["texte_accepte"] == "Oui."


def test_no_subscriber_no_panel(reader):
    client = Client()
    client.force_login(reader)
    assert "Gérer mes newsletters" not in client.get("/compte/").content.decode()


def test_deleting_the_account_deletes_the_subscriber(subscriber, reader, lists):
    from manchette.accounts import signals

    subscriber.user = reader
    subscriber.save()
    signals.account_deleting.send(sender=None, user=reader)
    assert not Subscriber.objects.exists() and not Subscription.objects.exists()


def test_the_demo_lists(home):
    from manchette.demo import newsletters as demo
    from manchette.news.tests.factories import SectionFactory
    from manchette.newsletters import subscribing

    SectionFactory(parent=home, title="Monde", slug="monde")
    assert demo.load() == 3 and demo.load() == 0
    labels = {n.name: subscribing.frequency_label(n) for n in Newsletter.objects.all()}
    assert labels == {"La Une du matin": "Chaque jour à 7\u00a0h", "L’hebdo du samedi": "Chaque samedi à 8\u00a0h",
                      "Alertes": "Selon l’actualité"}
    assert set(Newsletter.objects.filter(offered_on_articles=True).values_list("name", flat=True)) == {"La Une du matin", "Alertes"}
    assert list(Newsletter.objects.get(name="L’hebdo du samedi").sections.values_list("slug", flat=True)) == ["monde"]
