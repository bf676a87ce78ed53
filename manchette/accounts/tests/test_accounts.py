"""Readers' accounts through allauth: signup with the confirmation read from a real SMTP server, the name shown,
the account page, the data download and the deletion, each with its refusals."""

import json
import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from manchette.accounts import data, names
from manchette.accounts.models import Profile
from manchette.accounts.signals import account_deleting
from manchette.accounts.staff import verify_email
from manchette.edge.personal import READER_COOKIE, reader_name
from manchette.testing.smtp import body

PASSWORD = "un-mot-de-passe-solide"
User = get_user_model()


def signup(client, email="lea@example.com", **fields):
    return client.post("/compte/signup/", {
        "email": email, "password1": PASSWORD, "first_name": "Léa", "last_name": "Dubois", **fields,
    })


def confirmation_path(message):
    return urlsplit(re.search(r"https?://\S+/compte/confirm-email/\S+/", body(message)).group(0)).path


def reader(email="lea@example.com", name="Léa Dubois", **fields):
    user = User.objects.create_user(email.split("@")[0], email, PASSWORD, **fields)
    verify_email(user)
    Profile.objects.create(user=user, display_name=name)
    return user


def logged_in_as(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_signup_confirm_by_the_emailed_link_and_be_logged_in(client, smtp_server, home):
    response = signup(client)
    assert response.status_code == 302 and response["Location"] == "/compte/confirm-email/"
    user = User.objects.get(email="lea@example.com")
    assert (user.first_name, user.last_name, user.profile.display_name) == ("Léa", "Dubois", "Léa Dubois")
    assert not EmailAddress.objects.get(user=user).verified
    # Not logged in before the address is confirmed.
    assert client.get("/compte/").status_code == 302

    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == ["lea@example.com"]
    assert message["Subject"].startswith("[Le Quotidien de Manchette] ")
    assert "Le Quotidien de Manchette" in body(message) and "Bonjour" in body(message)
    path = confirmation_path(message)
    page = client.get(path)
    assert page.status_code == 200 and "<form" in page.content.decode()
    confirmed = client.post(path)
    assert confirmed.status_code == 302 and confirmed["Location"] == "/compte/"
    assert EmailAddress.objects.get(user=user).verified
    account = client.get("/compte/")
    assert account.status_code == 200
    assert "Léa Dubois" in account.content.decode()
    # The masthead's cookie names the reader.
    assert reader_name(client.cookies[READER_COOKIE].value) == "Léa Dubois"


@pytest.mark.django_db
def test_signing_up_with_an_address_that_has_an_account_looks_the_same(client, smtp_server, home):
    reader("lea@example.com")
    taken = signup(Client(), email="LEA@example.com")
    new = signup(Client(), email="marc@example.com", first_name="Marc", last_name="Lambert")
    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"]
    assert User.objects.filter(email__iexact="lea@example.com").count() == 1
    # The owner is told by e-mail that someone tried; the newcomer gets the link.
    smtp_server.wait_for(2)
    assert len(smtp_server.to("LEA@example.com") + smtp_server.to("lea@example.com")) == 1
    assert "confirm-email" in body(smtp_server.to("marc@example.com")[0])


@pytest.mark.django_db
def test_a_pseudonym_policy_asks_one_name(client, settings, smtp_server, home):
    settings.READER_NAME_POLICY = "pseudonym"
    form = client.get("/compte/signup/").context["form"]
    assert "display_name" in form.fields and "first_name" not in form.fields
    response = client.post("/compte/signup/", {"email": "x@example.com", "password1": PASSWORD, "display_name": "  Zoe\u0301   du Sud "})
    assert response.status_code == 302
    # NFC, spaces collapsed, trimmed.
    assert Profile.objects.get(user__email="x@example.com").display_name == "Zoé du Sud"


BAD_NAMES = {
    "x" * 81: "au plus 80 caractères",
    "Léa\u202eaéL": "caractères invisibles",
    "Léa\x07": "caractères de contrôle",
    "Lé\u200ba": "caractères invisibles",
    "!!! ...": "au moins une lettre",
    "x" * 100_000: "Assurez-vous",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(BAD_NAMES), ids=range(len(BAD_NAMES)))
def test_bad_names_are_refused_in_french_and_nothing_is_saved(client, settings, name, home):
    settings.READER_NAME_POLICY = "pseudonym"
    response = client.post("/compte/signup/", {"email": "x@example.com", "password1": PASSWORD, "display_name": name})
    assert response.status_code == 200
    assert BAD_NAMES[name] in response.content.decode()
    assert not User.objects.exists() and not Profile.objects.exists()


@pytest.mark.django_db
def test_a_full_name_needs_both_parts(client, home):
    response = signup(client, first_name="Léa", last_name="  ")
    assert response.status_code == 200 and not User.objects.exists()
    response = signup(client, first_name="x" * 60, last_name="y" * 30)
    assert "au plus 80 caractères" in response.content.decode() and not User.objects.exists()


def test_clean_name_rules():
    assert names.clean_name("  Jean-Pierre   O’Brien ") == "Jean-Pierre O’Brien"
    assert names.clean_name("Zoe\u0301") == "Zoé"
    assert names.clean_name("李明") == "李明"
    for bad in ("a", "", "   ", "--", "\u200b\u200b", "a\x00b"):
        with pytest.raises(names.ValidationError):
            names.clean_name(bad)


@pytest.mark.django_db
def test_the_account_page_changes_the_name_and_the_choice(client, home):
    user = reader()
    logged_in_as(client, user)
    client.get("/")  # the masthead cookie, as set on a first visit
    assert reader_name(client.cookies[READER_COOKIE].value) == "Léa Dubois"
    response = client.post("/compte/", {"first_name": " Léa ", "last_name": "Dubois-Martin", "notify_replies": "on"})
    assert response.status_code == 302 and response["Location"] == "/compte/"
    user.refresh_from_db()
    assert (user.profile.display_name, user.last_name, user.profile.notify_replies) == ("Léa Dubois-Martin", "Dubois-Martin", True)
    page = client.get("/compte/")
    assert "Vos choix sont enregistrés." in page.content.decode()
    # The next request that reaches Django puts the new name in the masthead's cookie.
    assert reader_name(client.cookies[READER_COOKIE].value) == "Léa Dubois-Martin"
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    # Opting out again: an unchecked box is not sent.
    client.post("/compte/", {"first_name": "Léa", "last_name": "Dubois"})
    assert not Profile.objects.get(user=user).notify_replies


@pytest.mark.django_db
def test_bad_input_on_the_account_page_changes_nothing(client, home):
    user = reader()
    logged_in_as(client, user)
    for fields in ({}, {"first_name": "x" * 100, "last_name": "y"}, {"first_name": "\x00", "last_name": "y"},
                   {"first_name": "Léa\u202e", "last_name": "Dubois"}, {"first_name": ["a", "b"], "last_name": "?"}):
        response = client.post("/compte/", fields)
        assert response.status_code == 400, fields
        assert "errorlist" in response.content.decode()
    user.refresh_from_db()
    assert (user.first_name, user.profile.display_name) == ("", "Léa Dubois")


@pytest.mark.django_db
def test_staff_made_without_a_profile_get_one_when_their_name_is_needed(client, staff):
    journalist = staff["journalist"]
    journalist.first_name, journalist.last_name = "Léa", "Journaliste"
    journalist.save()
    assert not Profile.objects.filter(user=journalist).exists()
    assert names.display_name(journalist) == "Léa Journaliste"
    assert names.display_name(staff["editor"]) == "marc"
    logged_in_as(client, staff["moderator"])
    assert client.get("/compte/").status_code == 200
    assert Profile.objects.get(user=staff["moderator"]).display_name == "sacha"


@pytest.mark.django_db
def test_anonymous_readers_are_sent_to_the_login(client, db):
    for url in ("/compte/", "/compte/donnees/", "/compte/supprimer/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/compte/login/?next=")


@pytest.mark.django_db
def test_the_data_download(client, home):
    user = reader(first_name="Léa", last_name="Dubois")
    data.register("essai", lambda who: [{"texte": f"pour {who.email}"}])
    try:
        response = logged_in_as(client, user).get("/compte/donnees/")
    finally:
        data._sections.pop("essai")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    content = json.loads(response.content)
    assert content["compte"]["nom_affiche"] == "Léa Dubois"
    assert content["compte"]["adresses_email"] == [{"adresse": "lea@example.com", "principale": True, "verifiee": True}]
    assert content["compte"]["choix"] == {"avertir_des_reponses": False}
    assert content["compte"]["inscription"].startswith(str(user.date_joined.year))
    assert content["essai"] == [{"texte": "pour lea@example.com"}]
    assert client.post("/compte/donnees/").status_code == 405


@pytest.fixture
def deletions():
    seen = []

    def receiver(sender, user, **kwargs):
        seen.append((user.pk, connection.in_atomic_block, User.objects.filter(pk=user.pk).exists()))

    account_deleting.connect(receiver)
    yield seen
    account_deleting.disconnect(receiver)


@pytest.mark.django_db
def test_deleting_the_account(client, home, deletions):
    user = reader()
    logged_in_as(client, user)
    page = client.get("/compte/supprimer/")
    assert page.status_code == 200 and "Compte supprimé" in page.content.decode()
    # The password again, and the box ticked.
    assert client.post("/compte/supprimer/", {"password": "pas-le-bon", "confirm": "on"}).status_code == 400
    assert client.post("/compte/supprimer/", {"password": PASSWORD}).status_code == 400
    assert User.objects.filter(pk=user.pk).exists() and deletions == []
    done = client.post("/compte/supprimer/", {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 200 and "Votre compte est supprimé" in done.content.decode()
    # The signal came inside the deletion's transaction, the account still there.
    assert deletions == [(user.pk, True, True)]
    assert not User.objects.filter(pk=user.pk).exists() and not Profile.objects.filter(pk=user.profile.pk).exists()
    assert not EmailAddress.objects.filter(email="lea@example.com").exists()
    assert "_auth_user_id" not in client.session
    assert client.get("/compte/").status_code == 302


@pytest.mark.django_db
def test_a_receiver_that_fails_keeps_the_account(client, home):
    user = reader()

    def broken(sender, user, **kwargs):
        Profile.objects.filter(user=user).update(display_name="modifié")
        raise RuntimeError("les commentaires n’ont pas pu être anonymisés")

    account_deleting.connect(broken)
    try:
        client = Client(raise_request_exception=False)
        logged_in_as(client, user)
        response = client.post("/compte/supprimer/", {"password": PASSWORD, "confirm": "on"})
    finally:
        account_deleting.disconnect(broken)
    assert response.status_code == 500
    assert User.objects.filter(pk=user.pk).exists()
    assert Profile.objects.get(user=user).display_name == "Léa Dubois"


@pytest.mark.django_db
def test_guessing_the_password_on_the_deletion_form_is_limited(client, home, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": "3/m/user"}
    user = reader()
    logged_in_as(client, user)
    answers = [client.post("/compte/supprimer/", {"password": f"essai-{n}", "confirm": "on"}).status_code for n in range(4)]
    assert answers == [400, 400, 400, 429]
    refused = client.post("/compte/supprimer/", {"password": PASSWORD, "confirm": "on"})
    assert refused.status_code == 429 and "Trop d’essais" in refused.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_staff_accounts_are_not_deleted_by_their_owner(client, staff):
    logged_in_as(client, staff["journalist"])
    response = client.post("/compte/supprimer/", {"password": "motdepasse-solide", "confirm": "on"})
    assert response.status_code == 403 and "administrateur" in response.content.decode()
    assert User.objects.filter(pk=staff["journalist"].pk).exists()
    assert "Supprimer mon compte" not in client.get("/compte/").content.decode()


@pytest.mark.django_db
def test_forged_posts_without_a_csrf_token_are_refused(home):
    user = reader()
    client = Client(enforce_csrf_checks=True)
    assert client.post("/compte/signup/", {"email": "x@example.com", "password1": PASSWORD, "first_name": "A", "last_name": "B"}).status_code == 403
    client.force_login(user)
    for url, fields in [("/compte/", {"first_name": "Pirate", "last_name": "X"}),
                        ("/compte/supprimer/", {"password": PASSWORD, "confirm": "on"}),
                        ("/compte/logout/", {}), ("/compte/password/change/", {})]:
        assert client.post(url, fields).status_code == 403, url
    assert User.objects.filter(pk=user.pk).exists() and Profile.objects.get(user=user).display_name == "Léa Dubois"
    assert not User.objects.filter(email="x@example.com").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/compte/login/", "/compte/signup/", "/compte/password/reset/", "/compte/", "/compte/email/",
                                 "/compte/password/change/", "/compte/2fa/", "/compte/supprimer/"])
def test_account_pages_are_french_in_the_sites_design(client, url, home):
    if url not in ("/compte/login/", "/compte/signup/", "/compte/password/reset/"):
        logged_in_as(client, reader())
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr-BE">' in html
    assert 'class="masthead"' in html and "accounts/accounts" in html
    assert '<meta name="robots" content="noindex">' in html
    for english in ("Sign In", "Sign Up", "Password", "Email Addresses", "Forgot", "Change Password", "Two-Factor"):
        assert english not in html, (url, english)
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_changing_the_address_waits_for_its_confirmation(client, home, smtp_server):
    user = reader()
    logged_in_as(client, user)
    response = client.post("/compte/email/", {"action_add": "", "email": "lea.nouvelle@example.com"})
    assert response.status_code == 302
    page = client.get("/compte/email/").content.decode()
    assert "attend sa confirmation" in page and 'style="' not in page
    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == ["lea.nouvelle@example.com"]
    assert User.objects.get(pk=user.pk).email == "lea@example.com"
    client.post(confirmation_path(message))
    user.refresh_from_db()
    assert user.email == "lea.nouvelle@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("lea.nouvelle@example.com", True, True)]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/compte/", "/compte/email/", "/compte/login/", "/compte/2fa/"])
def test_account_pages_tell_the_edge_they_are_the_readers_own(client, home, url):
    """The edge renders a logged-in reader's request for nobody first: an account page must say it depends on
    who asks, so the edge asks again with the reader's cookies (and would otherwise show the login)."""
    from manchette.edge import fragments
    from manchette.edge.middleware import PERSONAL_HEADER

    for who in (None, reader()):
        if who:
            client.force_login(who)
        response = client.get(url, HTTP_X_MANCHETTE_EDGE=fragments.token())
        assert response[PERSONAL_HEADER] == "1", (url, who)
        assert "public" not in response.get("Cache-Control", "")
