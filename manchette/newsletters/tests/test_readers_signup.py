"""What readers get: the signup (block and page), double opt-in through a real SMTP server, the confirmation
link (expired, forged, reused), the logged-in shortcut, rate limits, and no enumeration of addresses."""

import datetime
import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client

from manchette.newsletters import links, subscribing
from manchette.newsletters.models import Frequency, Newsletter, Signup, Subscriber, Subscription, Suppression
from manchette.testing.smtp import body


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lists(db):
    morning = Newsletter.objects.create(name="La Une du matin", slug="une-du-matin", description="Les titres du jour.",
                                        frequency=Frequency.DAILY, send_time="07:00", position=1)
    weekly = Newsletter.objects.create(name="L’hebdo du samedi", slug="hebdo", description="La semaine.",
                                       frequency=Frequency.WEEKLY, weekday=5, send_time="08:00",
                                       offered_on_articles=False, position=2)
    alerts = Newsletter.objects.create(name="Alertes", slug="alertes", description="Les nouvelles importantes.",
                                       frequency=Frequency.MANUAL, position=3)
    return {"morning": morning, "weekly": weekly, "alerts": alerts}


def sign_up(client, email, *newsletters, source="/belgique/un-article/", **extra):
    return client.post("/newsletters/inscription/", {"email": email, "listes": [n.pk for n in newsletters],
                                                      "origine": source}, **extra)


def link_in(message, kind="confirmer"):
    found = re.search(r"https?://[^\s\"<>]+/newsletters/" + kind + r"/[^\s\"<>]+/", body(message, "plain"))
    assert found, body(message, "plain")
    return "/" + found.group(0).split("://", 1)[1].split("/", 1)[1]


def active_lists(email):
    return set(Subscription.objects.filter(subscriber__email=email, active=True).values_list("newsletter__slug", flat=True))


def test_frequencies_in_french(lists):
    assert subscribing.frequency_label(lists["morning"]) == "Chaque jour à 7\u00a0h"
    assert subscribing.frequency_label(lists["weekly"]) == "Chaque samedi à 8\u00a0h"
    assert subscribing.frequency_label(lists["alerts"]) == "Selon l’actualité"
    lists["morning"].send_time = datetime.time(6, 30)
    assert subscribing.frequency_label(lists["morning"]) == "Chaque jour à 6\u00a0h\u00a030"


def test_the_newsletters_page_lists_every_active_list_and_is_shared(client, lists):
    Newsletter.objects.create(name="Ancienne", slug="ancienne", description="Plus envoyée.", active=False)
    response = client.get("/newsletters/")
    page = response.content.decode()
    assert response.status_code == 200
    for name in ("La Une du matin", "L’hebdo du samedi", "Alertes", "Chaque samedi à 8\u00a0h", "Selon l’actualité"):
        assert name in page
    assert "Ancienne" not in page
    assert "Je m’inscris" in page and "/newsletters/archives/" in page
    # No CSRF token in the page: the edge may share it.
    assert "s-maxage" in response["Cache-Control"] and "csrftoken" not in response.cookies


def test_signup_confirm_welcome_through_a_real_smtp_server(lists, smtp_server, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, "  Claire.Dubois@Example.COM ", lists["morning"], lists["alerts"])
    assert response.status_code == 200
    assert "Vérifiez votre boîte e-mail" in response.content.decode()
    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == ["claire.dubois@example.com"]
    assert "Confirmez votre inscription" in message["Subject"]
    assert "La Une du matin" in body(message, "plain") and "Alertes" in body(message, "plain")
    assert "Je confirme mon inscription" in body(message, "html")
    subscriber = Subscriber.objects.get(email="claire.dubois@example.com")
    assert subscriber.confirmed_at is None and active_lists(subscriber.email) == set()

    # The link: GET shows a button and changes nothing (mail scanners open links); POST confirms.
    confirm = link_in(message)
    page = client.get(confirm)
    assert page.status_code == 200 and "Je confirme mon inscription" in page.content.decode()
    assert active_lists(subscriber.email) == set()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(confirm)
    assert done.status_code == 200 and "Inscription confirmée" in done.content.decode()
    assert active_lists(subscriber.email) == {"une-du-matin", "alertes"}
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    subscription = Subscription.objects.get(subscriber=subscriber, newsletter=lists["morning"])
    assert subscription.source == "/belgique/un-article/"
    assert subscription.consent_text.startswith("En vous inscrivant, vous acceptez")
    assert subscription.consented_at is not None

    welcome = smtp_server.wait_for(2)[1]
    assert "Bienvenue" in welcome["Subject"]
    assert "La Une du matin (Chaque jour à 7\u00a0h)" in body(welcome, "plain")
    assert welcome["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/newsletters/preferences/" in body(welcome, "plain")
    # Following it again: a clear page, nothing changes, no second welcome.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(confirm)
    assert again.status_code == 200 and "déjà été confirmée" in again.content.decode()
    time.sleep(0.2)
    assert len(smtp_server.messages) == 2


def test_the_answer_is_the_same_whatever_the_address(lists, smtp_server, django_capture_on_commit_callbacks):
    """New, waiting for confirmation, subscribed and confirmed, suppressed: one page, word for word."""
    subscribed = Subscriber.objects.create(email="abonne@example.com", confirmed_at=datetime.datetime.now(datetime.UTC))
    Subscription.objects.create(subscriber=subscribed, newsletter=lists["morning"])
    Subscriber.objects.create(email="attente@example.com")
    Suppression.add("exclu@example.com", Suppression.Reason.UNSUBSCRIBED)
    Suppression.add("plainte@example.com", Suppression.Reason.COMPLAINED)
    pages = []
    for address in ("nouveau@example.com", "abonne@example.com", "attente@example.com", "exclu@example.com",
                    "plainte@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            response = sign_up(Client(), address, lists["morning"])
        assert response.status_code == 200
        pages.append(response.content.decode().replace(address, "ADRESSE"))
    assert all(page == pages[0] for page in pages)
    # The confirmation goes to each mailbox (a complained-about one excepted): only its owner can tell.
    smtp_server.wait_for(4)
    time.sleep(0.2)
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == [
        "abonne@example.com", "attente@example.com", "exclu@example.com", "nouveau@example.com"]
    # Nothing is subscribed, nothing is lifted from the suppression list, until a link is followed.
    assert Suppression.holds("exclu@example.com")
    assert active_lists("abonne@example.com") == {"une-du-matin"}


def test_confirming_lifts_an_unsubscribed_address_from_the_suppression_list(lists, smtp_server,
                                                                            django_capture_on_commit_callbacks):
    Suppression.add("retour@example.com", Suppression.Reason.UNSUBSCRIBED)
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(Client(), "retour@example.com", lists["alerts"])
    [message] = smtp_server.wait_for(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(link_in(message)).status_code == 200
    assert not Suppression.holds("retour@example.com")
    assert active_lists("retour@example.com") == {"alertes"}


@pytest.mark.parametrize("address", [
    "claire@example.com\r\nBcc: victime@example.com",
    "claire@example.com\nSubject: pub",
    "claire@example.com%0d%0aBcc:victime@example.com",
    "claire@example.com\x00",
    "<claire@example.com>",
    "Claire <claire@example.com>",
    "claire@example.com, victime@example.com",
    "pas-une-adresse",
    "a" * 250 + "@example.com",
    "",
])
def test_addresses_that_are_not_one_are_refused_with_a_french_message(address, lists, smtp_server,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(Client(), address, lists["morning"])
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(r'<p class="newsletter-form__error" role="alert"[^>]*>([^<]+)</p>', page)
    assert error and ("adresse" in error.group(1) or "caractère nul" in error.group(1)), page
    assert not Subscriber.objects.exists() and not Signup.objects.exists()
    time.sleep(0.1)
    assert smtp_server.messages == []


def test_bad_lists_are_refused(lists):
    for chosen in ([], ["x"], ["99999999999999999999"], [str(2**63)], [str(lists["alerts"].pk + 1000)]):
        response = Client().post("/newsletters/inscription/", {"email": "a@example.com", "listes": chosen})
        assert response.status_code == 400
        assert "newsletter" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_too_many_signups_from_one_connection_get_a_french_429(lists, settings):
    settings.NEWSLETTER_SIGNUP_RATE_PER_ADDRESS = "3/600"
    client = Client()
    for n in range(3):
        assert sign_up(client, f"lecteur{n}@example.com", lists["morning"]).status_code == 200
    response = sign_up(client, "encore@example.com", lists["morning"])
    assert response.status_code == 429
    assert "Trop d’inscriptions" in response.content.decode() and int(response["Retry-After"]) > 0
    assert not Subscriber.objects.filter(email="encore@example.com").exists()
    # Another connection is not held up.
    assert sign_up(Client(REMOTE_ADDR="10.1.2.3"), "autre@example.com", lists["morning"]).status_code == 200


def test_the_limit_per_address_is_silent(lists, settings, smtp_server, django_capture_on_commit_callbacks):
    settings.NEWSLETTER_SIGNUP_RATE_PER_EMAIL = "2/86400"
    pages = []
    for n in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            response = sign_up(Client(REMOTE_ADDR=f"10.0.0.{n}"), "cible@example.com", lists["morning"])
        assert response.status_code == 200
        pages.append(response.content)
    assert len(set(pages)) == 1
    smtp_server.wait_for(2)
    time.sleep(0.3)
    assert len(smtp_server.messages) == 2


def test_expired_forged_and_unknown_confirmation_links_change_nothing(lists, smtp_server, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(Client(), "lent@example.com", lists["morning"])
    [message] = smtp_server.wait_for(1)
    confirm = link_in(message)
    token = confirm.rstrip("/").rsplit("/", 1)[1]
    client = Client()
    forged = [confirm.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B")),
              confirm.replace(token, "1:abc:def"), "/newsletters/confirmer/x/"]
    for url in forged:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 400 and "Ce lien n’est pas valable" in response.content.decode()
    # A signup that no longer exists (the subscriber was deleted): a valid signature naming nothing.
    other = Signup.objects.create(subscriber=Subscriber.objects.create(email="parti@example.com"), newsletter_ids=[lists["alerts"].pk])
    gone = links.confirm_token(other)
    other.subscriber.delete()
    assert client.post(f"/newsletters/confirmer/{gone}/").status_code == 400
    # Two days and a bit later: expired.
    later = time.time() + 49 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = client.post(confirm)
    assert response.status_code == 400 and "expiré" in response.content.decode()
    assert active_lists("lent@example.com") == set()
    assert Subscriber.objects.get(email="lent@example.com").confirmed_at is None


def verified_reader(django_user_model, email="lea@example.com", verified=True):
    user = django_user_model.objects.create_user("lea", email, "motdepasse-solide-42")
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = client.get("/_jeton/").json()["jeton"]
    return client, token


def test_a_logged_in_reader_with_a_verified_address_is_subscribed_at_once(lists, django_user_model, smtp_server,
                                                                           django_capture_on_commit_callbacks):
    user = verified_reader(django_user_model)
    client, token = csrf_client(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/newsletters/inscription/", {"listes": [lists["morning"].pk], "csrfmiddlewaretoken": token,
                                                              "origine": "/monde/"})
    assert response.status_code == 200
    assert "Inscription enregistrée" in response.content.decode()
    subscriber = Subscriber.objects.get(user=user)
    assert subscriber.email == "lea@example.com" and subscriber.confirmed_at is not None
    assert active_lists("lea@example.com") == {"une-du-matin"}
    [welcome] = smtp_server.wait_for(1)
    assert "Bienvenue" in welcome["Subject"]
    assert not Signup.objects.exists()


def test_without_a_valid_csrf_token_a_logged_in_reader_gets_the_confirmation_e_mail(
        lists, django_user_model, smtp_server, django_capture_on_commit_callbacks):
    """A forged cross-site post cannot subscribe a logged-in reader: it only sends them a link to confirm."""
    user = verified_reader(django_user_model)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/newsletters/inscription/", {"listes": [lists["morning"].pk], "csrfmiddlewaretoken": "faux"})
    assert response.status_code == 200 and "Vérifiez votre boîte e-mail" in response.content.decode()
    assert active_lists("lea@example.com") == set()
    [message] = smtp_server.wait_for(1)
    assert "Confirmez" in message["Subject"] and message.envelope_to == ["lea@example.com"]


def test_an_unverified_account_goes_through_the_e_mail(lists, django_user_model, smtp_server,
                                                        django_capture_on_commit_callbacks):
    user = verified_reader(django_user_model, verified=False)
    client, token = csrf_client(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/newsletters/inscription/", {"listes": [lists["alerts"].pk], "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "Vérifiez votre boîte e-mail" in response.content.decode()
    assert active_lists("lea@example.com") == set()
    smtp_server.wait_for(1)


def test_the_block_is_beside_every_article_and_keeps_it_shared(lists, published_article):
    article = published_article(title="Un article", slug="un-article")
    response = Client().get(article.url)
    page = response.content.decode()
    assert "Inscrivez-vous aux newsletters" in page and "Je m’inscris" in page
    assert 'action="/newsletters/inscription/"' in page and "data-shared-form" in page
    # Offered lists only, checked; no CSRF token, no cookie: the page stays on the shared cache.
    assert "La Une du matin" in page and "Alertes" in page
    assert 'value="' + str(lists["weekly"].pk) + '" id="newsletter-bloc' not in page
    assert "s-maxage" in response["Cache-Control"] and not response.cookies
    # The block alone, as the edge asks for it: the same for every article.
    block = Client().get("/_fragments/newsletters/")
    assert block.status_code == 200 and "Inscrivez-vous aux newsletters" in block.content.decode()
    assert Client().get("/_fragments/newsletters/x/").status_code == 404


def test_no_list_offered_no_block(db, published_article):
    Newsletter.objects.create(name="Cachée", slug="cachee", description="x", offered_on_articles=False)
    article = published_article(title="Un article", slug="un-article")
    assert "Inscrivez-vous aux newsletters" not in Client().get(article.url).content.decode()
