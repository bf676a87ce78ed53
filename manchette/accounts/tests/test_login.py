"""Brute-force protection of logins (allauth's, for readers and staff): per account and address a lockout, per
account a rate, never a 500. Axes is tested alone here (allauth's own limits off); the last tests check
allauth's per-address limit and that e-mail address and username count as one account."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from manchette.accounts.staff import verify_email

LOGIN = "/compte/login/"
PASSWORD = "motdepasse-solide"
ATTACKER, NEWSROOM = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redac-chef", "chef@example.com", PASSWORD)
    verify_email(user)
    return user


@pytest.fixture
def limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": None, "login_failed": None}
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    settings.LOGIN_ACCOUNT_DELAY_SECONDS = 30
    return settings


def attempt(client, address, password, username="redac-chef"):
    return client.post(LOGIN, {"login": username, "password": password}, REMOTE_ADDR=address)


def fail(client, address, times):
    responses = [attempt(client, address, "pas-le-bon") for _ in range(times)]
    assert all(response.status_code < 500 for response in responses)
    return responses


def logged_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def assert_refused(response, words):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "private" in response["Cache-Control"]
    text = response.content.decode()
    assert words in text, text
    assert "Trop de tentatives" in text


@pytest.mark.django_db
def test_wrong_passwords_lock_the_account_out_from_that_address_in_french(client, editor, limits):
    responses = fail(client, ATTACKER, 3)
    assert [r.status_code for r in responses[:2]] == [200, 200]
    assert_refused(responses[2], "ne peut plus se connecter depuis votre adresse pendant 15 minutes")
    # The right password from that address is refused too, without being checked.
    assert_refused(attempt(client, ATTACKER, PASSWORD), "15 minutes")
    assert not logged_in(attempt(client, ATTACKER, PASSWORD))


@pytest.mark.django_db
def test_the_account_still_logs_in_from_another_address(client, editor, limits, django_user_model):
    fail(client, ATTACKER, 5)
    assert attempt(client, ATTACKER, PASSWORD).status_code == 429
    assert logged_in(attempt(client, NEWSROOM, PASSWORD))
    # Another account from the attacker's address is not locked either.
    verify_email(django_user_model.objects.create_user("lea", "lea@example.com", PASSWORD))
    client.logout()
    assert logged_in(attempt(client, ATTACKER, PASSWORD, username="lea"))


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(client, editor, limits):
    limits.AXES_COOLOFF_TIME = timedelta(seconds=30)
    fail(client, ATTACKER, 3)
    assert_refused(attempt(client, ATTACKER, PASSWORD), "pendant 1 minute.")
    # The page tells what is left of it: refused attempts do not extend it.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=20))
    left = attempt(client, ATTACKER, PASSWORD)
    assert_refused(left, "pendant 1 minute.")
    assert 5 <= int(left["Retry-After"]) <= 11
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=31))
    assert logged_in(attempt(client, ATTACKER, PASSWORD))


@pytest.mark.django_db
def test_failures_from_many_addresses_slow_the_account_down(client, editor, limits):
    for n in range(3):
        fail(client, f"192.0.2.{n}", 2)
    # Six failures on the account: from each address, one attempt goes through per delay.
    assert attempt(client, "192.0.2.50", "pas-le-bon").status_code == 200
    refused = attempt(client, "192.0.2.50", PASSWORD)
    assert_refused(refused, "Patientez quelques secondes")
    assert refused["Retry-After"] == "30"
    assert not logged_in(refused)
    # Refused attempts are neither checked nor counted: the delay over, the right password works.
    limits.LOGIN_ACCOUNT_DELAY_SECONDS = 1
    from django.core.cache import cache

    cache.clear()
    assert logged_in(attempt(client, "192.0.2.50", PASSWORD))


@pytest.mark.django_db
def test_an_attacker_hammering_the_account_does_not_take_another_addresss_attempt(client, editor, limits):
    limits.AXES_FAILURE_LIMIT = 100  # the attacker's address is not locked out: only the account's rate holds it
    fail(client, ATTACKER, 6)
    hammered = fail(client, ATTACKER, 20)
    assert [r.status_code for r in hammered] == [200] + [429] * 19
    # The editor, on an address the account never logged in from (a hotel's wifi), gets in at the first try.
    assert logged_in(attempt(client, "192.0.2.77", PASSWORD))
    client.logout()  # allauth's login sends a logged-in reader away without looking at the form
    assert attempt(client, ATTACKER, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_an_address_the_account_logged_in_from_is_not_slowed(client, editor, limits):
    assert logged_in(attempt(client, NEWSROOM, PASSWORD))
    client.logout()
    for n in range(4):
        fail(client, f"192.0.2.{n}", 2)
    # A typo then the right password: slowed from an unknown address, not from the newsroom's.
    assert attempt(client, "192.0.2.50", "pas-le-bon").status_code == 200
    assert attempt(client, "192.0.2.50", PASSWORD).status_code == 429
    assert attempt(client, NEWSROOM, "pas-le-bon").status_code == 200
    assert logged_in(attempt(client, NEWSROOM, PASSWORD))


@pytest.mark.django_db
def test_ipv6_addresses_of_one_64_share_the_lockout(client, editor, limits):
    # A host takes as many addresses of its /64 as it likes: they count as one.
    for suffix in ("a", "b"):
        assert attempt(client, f"2001:db8:1:2::{suffix}", "pas-le-bon").status_code == 200
    assert_refused(attempt(client, "2001:db8:1:2:ffff::c", "pas-le-bon"), "depuis votre adresse")
    assert_refused(attempt(client, "2001:db8:1:2::d", PASSWORD), "depuis votre adresse")
    assert logged_in(attempt(client, "2001:db8:1:3::1", PASSWORD))
    # An IPv4 address written in IPv6 is that IPv4 address.
    client.logout()
    fail(client, ATTACKER, 2)
    assert_refused(attempt(client, f"::ffff:{ATTACKER}", "pas-le-bon"), "depuis votre adresse")
    assert attempt(client, ATTACKER, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_an_address_of_a_known_64_is_not_slowed(client, editor, limits):
    # The newsroom's IPv6 privacy addresses change every day: its /64 is what is known.
    assert logged_in(attempt(client, "2001:db8:5:6::1", PASSWORD))
    client.logout()
    for n in range(4):
        fail(client, f"192.0.2.{n}", 2)
    assert attempt(client, "2001:db8:9:9::1", "pas-le-bon").status_code == 200
    assert attempt(client, "2001:db8:9:9::2", PASSWORD).status_code == 429
    assert attempt(client, "2001:db8:5:6:1234::7", "pas-le-bon").status_code == 200
    assert logged_in(attempt(client, "2001:db8:5:6:abcd::8", PASSWORD))


@pytest.mark.django_db
def test_unknown_accounts_and_odd_input_never_give_a_500(client, limits):
    for username in ("personne", "", "x" * 300, "a\x00b", "é" * 40, "x" * 300 + "@example.com", "@"):
        for _ in range(4):
            response = client.post(LOGIN, {"login": username, "password": "x"}, REMOTE_ADDR=ATTACKER)
            assert response.status_code in (200, 429)
    assert client.post(LOGIN, {}, REMOTE_ADDR=ATTACKER).status_code in (200, 429)


@pytest.mark.django_db
def test_the_test_clients_login_still_works(client, editor):
    # Without a request there is no address to lock out: tests that log in this way are not refused.
    assert client.login(username="redac-chef", password=PASSWORD)


@pytest.mark.django_db
def test_the_email_address_and_the_username_are_one_account(client, editor, limits):
    # Failures under the address and under the username add up: the lockout is the account's, however named.
    assert attempt(client, ATTACKER, "pas-le-bon", username="chef@example.com").status_code == 200
    assert attempt(client, ATTACKER, "pas-le-bon", username="CHEF@example.com").status_code == 200
    assert_refused(attempt(client, ATTACKER, "pas-le-bon"), "depuis votre adresse")
    assert_refused(attempt(client, ATTACKER, PASSWORD, username="chef@example.com"), "depuis votre adresse")
    # And a success under the address clears the failures recorded under the username, from that address.
    assert logged_in(attempt(client, NEWSROOM, PASSWORD, username="chef@example.com"))
    assert AccessAttempt.objects.filter(username="redac-chef").count() == 1


@pytest.mark.django_db
def test_an_unknown_address_is_refused_like_a_known_one(client, editor, limits):
    for login in ("chef@example.com", "personne@example.com"):
        responses = [attempt(client, ATTACKER, "pas-le-bon", username=login) for _ in range(3)]
        assert [r.status_code for r in responses] == [200, 200, 429]
        assert_refused(responses[2], "ne peut plus se connecter depuis votre adresse")


@pytest.mark.django_db
def test_allauths_own_limit_per_address_stands_beside_axes(client, editor, django_user_model):
    # Ten failures a minute from one address, whatever the accounts (credential stuffing); other addresses log in.
    for n in range(10):
        assert attempt(client, ATTACKER, "pas-le-bon", username=f"lecteur{n}@example.com").status_code == 200
    refused = attempt(client, ATTACKER, PASSWORD)
    assert refused.status_code in (200, 429) and not logged_in(refused)
    assert logged_in(attempt(client, NEWSROOM, PASSWORD))


@pytest.mark.django_db
def test_the_login_says_nothing_of_which_accounts_exist(client, editor):
    known = attempt(client, ATTACKER, "pas-le-bon", username="chef@example.com")
    unknown = attempt(client, ATTACKER, "pas-le-bon", username="personne@example.com")
    assert known.status_code == unknown.status_code == 200
    def errors(response):
        return response.context["form"].non_field_errors()
    assert errors(known) == errors(unknown)
