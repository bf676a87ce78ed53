"""Asking for a password reset is limited per address and per e-mail address, and says nothing of accounts."""

import re

import pytest

RESET = "/admin/password_reset/"


@pytest.fixture
def limits(settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 4
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    return settings


def message(response):
    return re.search(r'<li class="error">(.*?)</li>', response.content.decode()).group(1)


def ask(client, email, address="203.0.113.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_one_email_address_is_limited_whether_it_has_an_account_or_not(client, limits, django_user_model, mailoutbox):
    django_user_model.objects.create_user("lea", "lea@example.com", "motdepasse-solide")
    for email in ("lea@example.com", "personne@example.com"):
        answers = [ask(client, email, address=f"192.0.2.{n}") for n in range(3)]
        assert [a.status_code for a in answers] == [302, 302, 429]
        assert "Trop de demandes de réinitialisation" in answers[2].content.decode()
        assert answers[2]["Retry-After"] == "3600"
    assert len(mailoutbox) == 2
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
    for email in ("", "pas-une-adresse", "x" * 500 + "@example.com", "a\x00b@example.com"):
        assert client.post(RESET, {"email": email}, REMOTE_ADDR="198.51.100.1").status_code in (200, 302, 429)


@pytest.mark.django_db
def test_ipv6_addresses_of_one_64_count_as_one_address(client, limits):
    answers = [ask(client, f"n{n}@example.com", address=f"2001:db8:1:2::{n + 1}") for n in range(5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 302, 429]
    assert ask(client, "autre@example.com", address="2001:db8:1:3::1").status_code == 302
