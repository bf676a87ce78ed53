"""A reader signs up in Chromium, reads the confirmation e-mail the server sent to the tests' SMTP server,
confirms, and finds their name in the masthead of the shared pages; the account pages pass axe-core."""

import re
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from manchette.testing.smtp import body

pytestmark = pytest.mark.browser

PASSWORD = "un-mot-de-passe-solide"


def test_a_reader_signs_up_confirms_and_manages_the_account(page, smtp_server, assert_accessible, screenshot):
    email = f"lectrice-{time.time_ns()}@example.com"
    page.goto("/")
    page.get_by_role("link", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    assert_accessible(page)
    page.get_by_role("link", name="Créez-en un").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    assert_accessible(page)
    page.get_by_role("textbox", name="Prénom").fill("Élise")
    page.get_by_role("textbox", name=re.compile(r"^Nom\b")).fill("Dœuf")
    page.get_by_role("textbox", name="E-mail").fill(email)
    page.get_by_role("textbox", name="Mot de passe").fill(PASSWORD)
    screenshot(page, "accounts-signup-1280")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page).to_have_url(re.compile(r"/compte/confirm-email/$"))
    assert_accessible(page)

    smtp_server.wait_for(1, timeout=20)
    [message] = smtp_server.to(email)
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", body(message)).group(0)
    page.goto(urlsplit(link).path)
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Confirmer")).click()
    expect(page).to_have_url(re.compile(r"/compte/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_role("textbox", name="Prénom")).to_have_value("Élise")
    assert_accessible(page)
    screenshot(page, "accounts-account-1280")

    # A new name reaches the masthead of the shared pages (their cookie, read by the page's script).
    page.get_by_role("textbox", name=re.compile(r"^Nom\b")).fill("Dœuf-Martin")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Vos choix sont enregistrés.")
    page.goto("/")
    expect(page.locator("[data-personal]")).to_contain_text("Bonjour, Élise Dœuf-Martin")

    for url in ("/compte/email/", "/compte/password/change/", "/compte/2fa/", "/compte/supprimer/"):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)

    page.goto("/compte/supprimer/")
    page.get_by_role("textbox", name="Votre mot de passe").fill(PASSWORD)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre compte est supprimé")
    page.goto("/compte/")
    expect(page).to_have_url(re.compile(r"/compte/login/\?next=/compte/$"))


STAFF_WITH_TOTP = """
from django.contrib.auth.models import Group, Permission, User
from manchette.accounts.models import SecuritySettings
from manchette.accounts.staff import verify_email

group, _ = Group.objects.get_or_create(name="Rédaction en chef (essai TOTP)")
group.permissions.add(Permission.objects.get(codename="access_admin"))
SecuritySettings.load().two_factor_groups.add(group)
user, _ = User.objects.get_or_create(username="cheffe.totp", defaults={"email": "cheffe.totp@manchette.example"})
user.set_password(PASSWORD)
user.save()
user.groups.set([group])
verify_email(user)
"""
# The setting stays as it was for the other browser tests: the group goes, and with it its place in the setting.
STAFF_WITH_TOTP_GONE = """
from django.contrib.auth.models import Group, User

User.objects.filter(username="cheffe.totp").delete()
Group.objects.filter(name="Rédaction en chef (essai TOTP)").delete()
"""


@pytest.fixture
def staff_with_totp(server_shell):
    server_shell(f"PASSWORD = {PASSWORD!r}\n" + STAFF_WITH_TOTP)
    yield "cheffe.totp"
    server_shell(STAFF_WITH_TOTP_GONE)


def totp_code(secret):
    from allauth.mfa.totp.internal import auth as totp

    counter = next(iter(totp.yield_hotp_counters_from_time()))
    return totp.format_hotp_value(totp.hotp_value(secret, counter))


def test_a_staff_role_held_to_totp_reaches_the_admin_only_with_it(page, staff_with_totp, assert_accessible, screenshot):
    page.goto("/admin/")
    page.get_by_role("textbox", name="Identifiant").fill(staff_with_totp)
    page.get_by_role("textbox", name="Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # Not the admin: allauth asks for the password again, then the page that activates an authenticator app.
    expect(page).to_have_url(re.compile(r"/compte/reauthenticate/"))
    expect(page.get_by_role("status")).to_contain_text("Votre rôle impose la double authentification")
    page.get_by_role("textbox", name="Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    expect(page).to_have_url(re.compile(r"/compte/2fa/totp/activate/$"))
    expect(page.get_by_role("img", name="Code QR de la double authentification")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "accounts-totp-activate-1280")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/compte/(reauthenticate/|2fa/totp/activate/)"))
    page.goto("/compte/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_role("textbox", name="Code").fill(totp_code(secret))
    page.get_by_role("button", name="Activer").click()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
