"""Staff log in through allauth's login, which Wagtail's sends to; an administrator can make a role use TOTP."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp
from django.contrib.auth.models import Group

from manchette.accounts.models import SecuritySettings
from manchette.accounts.staff import verify_email
from manchette.news.management.commands.setup_newsroom import ADMINISTRATORS, MODERATORS

PASSWORD = "motdepasse-solide"


def log_in(client, login, password=PASSWORD, **extra):
    return client.post("/compte/login/", {"login": login, "password": password, **extra})


def code(secret):
    """The code an authenticator app shows now."""
    counter = next(iter(totp.yield_hotp_counters_from_time()))
    return totp.format_hotp_value(totp.hotp_value(secret, counter))


@pytest.fixture
def newsroom(staff):
    for user in staff.values():
        verify_email(user)
    return staff


@pytest.mark.django_db
def test_the_admins_login_sends_to_allauths(client, home):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302 and response["Location"] == "/compte/login/?next=/admin/pages/"
    response = client.get("/admin/pages/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/?next=/admin/pages/")
    # Resets go through allauth's too: Wagtail's own page is gone.
    assert client.get("/admin/password_reset/").status_code in (302, 404)


@pytest.mark.django_db
def test_staff_log_in_with_their_username_or_address_and_out_through_wagtail(client, newsroom):
    response = log_in(client, "lea", next="/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    out = client.post("/admin/logout/")
    assert out.status_code == 302 and "_auth_user_id" not in client.session
    assert log_in(client, "LEA@example.com")["Location"] == "/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_staff_account_without_a_verified_address_is_sent_a_confirmation(client, staff, smtp_server):
    response = log_in(client, "lea")
    assert response.status_code == 302 and response["Location"] == "/compte/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert "confirm-email" in smtp_server.wait_for(1)[0].get_body(("plain",)).get_content()


@pytest.mark.django_db
def test_superusers_made_by_a_command_have_a_verified_address(django_user_model):
    chief = django_user_model.objects.create_superuser("chef", "chef@example.com", PASSWORD)
    assert EmailAddress.objects.get(user=chief).verified
    reader = django_user_model.objects.create_user("lecteur", "lecteur@example.com", PASSWORD)
    assert not EmailAddress.objects.filter(user=reader).exists()


@pytest.fixture
def totp_for_moderators(home, newsroom):
    settings = SecuritySettings.load()
    settings.two_factor_groups.set([Group.objects.get(name=MODERATORS)])
    return newsroom


@pytest.mark.django_db
def test_a_role_that_must_use_totp_cannot_reach_the_admin_without_it(client, totp_for_moderators):
    moderator = totp_for_moderators["moderator"]
    assert log_in(client, "sacha", next="/admin/").status_code == 302
    for url in ("/admin/", "/admin/pages/", "/admin/api/main/pages/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/compte/2fa/totp/activate/", url
    # allauth asks for the password again before a second factor is set up, the message of why on its page.
    asked = client.get("/compte/2fa/totp/activate/")
    assert asked.status_code == 302 and asked["Location"].startswith("/compte/reauthenticate/")
    assert "Votre rôle impose la double authentification" in client.get(asked["Location"]).content.decode()
    assert client.post(asked["Location"], {"password": PASSWORD})["Location"] == "/compte/2fa/totp/activate/"
    page = client.get("/compte/2fa/totp/activate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "data:image" not in html  # the QR code inline: the page's policy refuses data: images
    # A wrong code activates nothing.
    secret = page.context["form"].secret
    assert client.post("/compte/2fa/totp/activate/", {"code": "000000" if code(secret) != "000000" else "111111"}).status_code == 200
    assert client.get("/admin/").status_code == 302
    # The right one, computed as an authenticator app does.
    activated = client.post("/compte/2fa/totp/activate/", {"code": code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200
    # Logging out of the admin is never in the way.
    client.post("/admin/logout/")
    # From now on allauth's login asks for a code before the session is opened.
    asked = log_in(client, "sacha", next="/admin/")
    assert asked.status_code == 302 and asked["Location"] == "/compte/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.post("/compte/2fa/authenticate/", {"code": "123456" if code(secret) != "123456" else "654321"}).status_code == 200
    assert "_auth_user_id" not in client.session
    done = client.post("/compte/2fa/authenticate/", {"code": code(secret)})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_other_roles_and_readers_are_not_asked(client, totp_for_moderators, django_user_model):
    log_in(client, "lea")
    assert client.get("/admin/").status_code == 200
    reader = django_user_model.objects.create_user("lecteur", "lecteur@example.com", PASSWORD)
    verify_email(reader)
    client.post("/compte/logout/")
    log_in(client, "lecteur@example.com")
    assert client.get("/compte/").status_code == 200
    assert client.get("/admin/")["Location"].startswith("/compte/login/")


@pytest.mark.django_db
def test_superusers_too_when_the_setting_says_so(client, home):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("chef", "chef@example.com", PASSWORD)
    log_in(client, "chef")
    assert client.get("/admin/").status_code == 200
    settings = SecuritySettings.load()
    settings.two_factor_superusers = True
    settings.save()
    assert client.get("/admin/")["Location"] == "/compte/2fa/totp/activate/"


@pytest.mark.django_db
def test_only_administrators_edit_the_security_setting(client, newsroom, django_user_model):
    url = "/admin/settings/accounts/securitysettings/"
    client.force_login(newsroom["editor"])
    assert client.get(url).status_code in (302, 403)
    admin = django_user_model.objects.create_user("admin2", "admin2@example.com", PASSWORD)
    admin.groups.add(Group.objects.get(name=ADMINISTRATORS))
    client.force_login(admin)
    page = client.get(url, follow=True)
    assert page.status_code == 200
    assert re.search(r"rôles tenus à la double authentification", page.content.decode(), re.IGNORECASE)


@pytest.mark.django_db
def test_the_demo_staff_log_in_with_their_verified_addresses(client, home):
    from manchette.demo.management.commands.load_demo import PASSWORD as DEMO_PASSWORD
    from manchette.demo.management.commands.load_demo import Command

    Command().users()
    for login in ("journaliste", "journaliste@manchette.example", "admin@manchette.example", "moderateur"):
        client.post("/compte/logout/")
        response = log_in(client, login, DEMO_PASSWORD, next="/admin/")
        assert response.status_code == 302 and response["Location"] == "/admin/", login
        assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_staff_from_before_allauth_get_their_addresses_verified(staff, django_user_model):
    import importlib

    from django.apps import apps

    reader = django_user_model.objects.create_user("lecteur", "lecteur@example.com", PASSWORD)
    importlib.import_module("manchette.accounts.migrations.0003_verify_staff_addresses").verify(apps, None)
    assert all(EmailAddress.objects.get(user=user).verified for user in staff.values())
    assert not EmailAddress.objects.filter(user=reader).exists()
