"""Asking for a password reset (allauth's view) is limited per address and per e-mail address, and says nothing
of accounts: the same answer, and an e-mail either way (a link, or « no account here »)."""

import re
from urllib.parse import urlsplit

import pytest

from manchette.accounts.staff import verify_email
from manchette.testing.smtp import body

RESET = "/compte/password/reset/"


@pytest.fixture
def limits(settings):
    # allauth's own limits are per minute, and higher: these tests are about the hourly ones.
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": None}
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 4
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    return settings


def message(response):
    return re.search(r'<p class="account-errors" role="alert">(.*?)</p>', response.content.decode()).group(1)


def ask(client, email, address="203.0.113.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_one_email_address_is_limited_whether_it_has_an_account_or_not(client, limits, django_user_model, smtp_server):
    django_user_model.objects.create_user("lea", "lea@example.com", "motdepasse-solide")
    for email in ("lea@example.com", "personne@example.com"):
        answers = [ask(client, email, address=f"192.0.2.{n}") for n in range(3)]
        assert [a.status_code for a in answers] == [302, 302, 429]
        assert "Trop de demandes de réinitialisation" in answers[2].content.decode()
        assert answers[2]["Retry-After"] == "3600"
    smtp_server.wait_for(4)
    assert len(smtp_server.to("lea@example.com")) == len(smtp_server.to("personne@example.com")) == 2
    # Same answer, same words, for an account and for nobody: and case does not get around the limit.
    for answer in (ask(client, "LEA@example.com ", address="192.0.2.9"), ask(client, "personne@example.com")):
        assert answer.status_code == 429
        assert message(answer) == "Trop de demandes de réinitialisation du mot de passe. Réessayez plus tard."


@pytest.mark.django_db
def test_one_address_is_limited_whatever_it_asks_for(client, limits):
    answers = [ask(client, f"n{n}@example.com") for n in range(5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 302, 429]
    assert ask(client, "autre@example.com", address="198.51.100.20").status_code == 302


@pytest.mark.django_db
def test_the_form_itself_and_odd_input_never_give_a_500(client, limits):
    assert client.get(RESET, REMOTE_ADDR="203.0.113.7").status_code == 200
    for email in ("", "pas-une-adresse", "x" * 500 + "@example.com", "a\x00b@example.com", "é" * 300):
        assert client.post(RESET, {"email": email}, REMOTE_ADDR="198.51.100.1").status_code in (200, 302, 429)


@pytest.mark.django_db
def test_ipv6_addresses_of_one_64_count_as_one_address(client, limits):
    answers = [ask(client, f"n{n}@example.com", address=f"2001:db8:1:2::{n + 1}") for n in range(5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 302, 429]
    assert ask(client, "autre@example.com", address="2001:db8:1:3::1").status_code == 302


@pytest.mark.django_db
def test_the_reset_link_sets_a_new_password(client, django_user_model, smtp_server):
    user = django_user_model.objects.create_user("lea", "lea@example.com", "motdepasse-solide")
    verify_email(user)
    assert ask(client, "lea@example.com")["Location"] == "/compte/password/reset/done/"
    text = body(smtp_server.wait_for(1)[0])
    link = urlsplit(re.search(r"https?://\S+/compte/password/reset/key/\S+", text).group(0)).path
    # allauth puts the key in the session and sends to a URL without it, so the key leaks in no Referer.
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "password1" in form.context["form"].fields
    changed = client.post(form.redirect_chain[-1][0], {"password1": "un-tout-nouveau-mot", "password2": "un-tout-nouveau-mot"})
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password("un-tout-nouveau-mot")


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_looks_like_one_for_an_account(client, django_user_model, smtp_server):
    verify_email(django_user_model.objects.create_user("lea", "lea@example.com", "motdepasse-solide"))
    known, unknown = ask(client, "lea@example.com"), ask(client, "personne@example.com", address="198.51.100.9")
    assert known.status_code == unknown.status_code == 302 and known["Location"] == unknown["Location"]
    done = client.get(known["Location"]).content.decode()
    assert "personne" not in done and "lea@" not in done
    # Both addresses get an e-mail: a link for the account, a note that there is none for the other.
    smtp_server.wait_for(2)
    assert "/compte/password/reset/key/" in body(smtp_server.to("lea@example.com")[0])
    assert "/compte/password/reset/key/" not in body(smtp_server.to("personne@example.com")[0])
