"""The admin's sign-in page (allauth's, which Wagtail's sends to) reads in French, every label, placeholder and
button of it."""

from html.parser import HTMLParser

import pytest

ENGLISH = ("Password", "Username", "Sign in", "Remember me", "Forgotten password", "Enter ", "didn't match")
# Attributes a person reads or hears: placeholders, tooltips, accessible names, the button's « signing in » text.
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "value", "data-w-progress-active-value"}


class ReadableText(HTMLParser):
    """The text of the page's body as a person meets it: text nodes and the attributes above, not code."""

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skipping += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and not (tag == "input" and dict(attrs).get("type") == "hidden"):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def readable_text(response):
    parser = ReadableText()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


def assert_no_english(text):
    assert not [word for word in ENGLISH if word in text], text


@pytest.mark.django_db
def test_the_login_page_labels_are_all_french(client):
    response = client.get("/admin/login/", follow=True)
    assert response.status_code == 200 and response.redirect_chain == [("/compte/login/", 302)]
    text = readable_text(response)
    for label in ("Identifiant", "Nom d'utilisateur ou e-mail", "Mot de passe", "Se souvenir de moi", "Se connecter"):
        assert label in text
    assert_no_english(text)


@pytest.mark.django_db
def test_a_wrong_password_is_told_in_french(client, django_user_model):
    django_user_model.objects.create_user("lea", "lea@example.com", "motdepasse-solide")
    response = client.post("/compte/login/", {"login": "lea", "password": "pas-le-bon"})
    assert response.status_code == 200
    text = readable_text(response)
    assert "mot de passe sont incorrects" in text
    assert_no_english(text)
