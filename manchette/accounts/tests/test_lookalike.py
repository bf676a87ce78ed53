"""A display name that imitates another member's (same Unicode skeleton, other characters) is refused at signup and
on the account page; the very same name is another person of that name, and is allowed."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from manchette.accounts import lookalike
from manchette.accounts.models import Profile
from manchette.accounts.staff import verify_email

PASSWORD = "un-mot-de-passe-solide"
User = get_user_model()
CYRILLIC_O, GREEK_O = "\u043e", "\u03bf"


def member(email, name, **fields):
    user = User.objects.create_user(email.split("@")[0], email, PASSWORD, **fields)
    verify_email(user)
    Profile.objects.create(user=user, display_name=name)
    return user


def signup(first_name, last_name, email="nouveau@example.com"):
    return Client().post("/compte/signup/", {
        "email": email, "password1": PASSWORD, "first_name": first_name, "last_name": last_name,
    })


def pseudonym_signup(name, email="nouveau@example.com"):
    return Client().post("/compte/signup/", {"email": email, "password1": PASSWORD, "display_name": name})


def test_skeletons_of_look_alikes_meet_and_of_different_names_do_not():
    assert lookalike.key(f"Marc Dup{CYRILLIC_O}nt") == lookalike.key("Marc Dupont")
    assert lookalike.key(f"R{GREEK_O}se") == lookalike.key("Rose")
    assert lookalike.same_look("MARC  DUPONT", "Marc Dupont")
    assert lookalike.key("Iouis") == lookalike.key("louis")  # capital i and small L
    assert lookalike.key("rn") == lookalike.key("m")
    assert lookalike.same_look("SOPHIE", "Sophie") and not lookalike.same_look("Sophie", "Sofie")
    assert lookalike.key("Marc Dupond") != lookalike.key("Marc Dupont")
    assert lookalike.key("Zoé") != lookalike.key("Zoe")


@pytest.mark.django_db
def test_a_readers_look_alike_is_refused_at_signup_and_nothing_is_saved(smtp_server, home):
    member("marc@example.com", "Marc Dupont", first_name="Marc", last_name="Dupont")
    response = signup("Marc", f"Dup{CYRILLIC_O}nt")
    assert response.status_code == 200
    assert "se confond avec celui d’un autre membre" in response.content.decode()
    assert not User.objects.filter(email="nouveau@example.com").exists()


@pytest.mark.django_db
def test_two_readers_may_have_the_very_same_name(smtp_server, home):
    member("marc@example.com", "Marc Dupont", first_name="Marc", last_name="Dupont")
    response = signup("Marc", "Dupont")
    assert response.status_code == 302
    assert Profile.objects.filter(display_name="Marc Dupont").count() == 2


@pytest.mark.django_db
def test_a_staff_members_name_cannot_be_imitated_even_without_a_profile(settings, smtp_server, home):
    settings.READER_NAME_POLICY = "pseudonym"
    User.objects.create_user("redac", "redac@example.com", PASSWORD, is_staff=True, first_name="Sophie", last_name="Lenoir")
    refused = pseudonym_signup(f"S{CYRILLIC_O}phie Lenoir")
    assert refused.status_code == 200 and "se confond" in refused.content.decode()
    refused = pseudonym_signup("SOPHIE LENOIR")
    assert refused.status_code == 200
    assert not User.objects.filter(email="nouveau@example.com").exists()
    assert pseudonym_signup("Sophie Lenoire").status_code == 302


@pytest.mark.django_db
def test_the_account_page_refuses_a_look_alike_but_keeps_ones_own_name(client, home):
    member("marc@example.com", "Marc Dupont", first_name="Marc", last_name="Dupont")
    lea = member("lea@example.com", "Léa Dubois", first_name="Léa", last_name="Dubois")
    client.force_login(lea)
    refused = client.post("/compte/", {"first_name": "Marc", "last_name": f"Dup{GREEK_O}nt"})
    assert refused.status_code == 400 and "se confond" in refused.content.decode()
    assert Profile.objects.get(user=lea).display_name == "Léa Dubois"
    kept = client.post("/compte/", {"first_name": "Léa", "last_name": "Dubois"})
    assert kept.status_code == 302
    # Her own name in capitals is a look-alike of nobody else's.
    assert client.post("/compte/", {"first_name": "LÉA", "last_name": "DUBOIS"}).status_code == 302
    assert Profile.objects.get(user=lea).name_folded == lookalike.folded_key("Léa Dubois")
