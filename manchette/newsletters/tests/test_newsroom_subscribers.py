"""Subscribers in the admin: search, consents, deletion on request, CSV export and the all-or-nothing import."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from manchette.newsletters import imports
from manchette.newsletters.models import (
    Delivery,
    Edition,
    Newsletter,
    Signup,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
)

pytestmark = pytest.mark.django_db

BASE = "/admin/newsletters/abonnes/"


@pytest.fixture
def lists(db):
    return {
        "une": Newsletter.objects.create(name="La Une du matin", slug="une-du-matin", description="L’essentiel."),
        "hebdo": Newsletter.objects.create(name="L’hebdo du samedi", slug="hebdo", description="La semaine."),
    }


@pytest.fixture
def editor(staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff["editor"])
    return client


def subscriber(email, *newsletters, source="page newsletters", text="J’accepte de recevoir…"):
    made = Subscriber.objects.create(email=email, confirmed_at=timezone.now())
    for newsletter in newsletters:
        Subscription.objects.create(subscriber=made, newsletter=newsletter, source=source, consent_text=text)
    return made


def upload(text, name="abonnes.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def state():
    return (list(Subscriber.objects.order_by("pk").values_list("email", "confirmed_at")),
            list(Subscription.objects.order_by("pk").values_list("subscriber_id", "newsletter_id", "active")))


def test_subscribers_are_searched_and_show_their_consents(editor, lists):
    claire = subscriber("claire@example.com", lists["une"], source="/belgique/budget/", text="Je m’inscris à La Une.")
    subscriber("paul@example.org", lists["hebdo"])
    page = editor.get(BASE + "?q=CLAIRE").content.decode()
    assert "claire@example.com" in page and "paul@example.org" not in page and "La Une du matin" in page
    detail = editor.get(f"{BASE}{claire.pk}/").content.decode()
    assert "/belgique/budget/" in detail and "Je m’inscris à La Une." in detail and "Supprimer à la demande" in detail


def test_deletion_on_request_forgets_the_subscriber_but_keeps_it_suppressed(editor, lists, newsletter_edition=None):
    claire = subscriber("claire@example.com", lists["une"], lists["hebdo"])
    other = subscriber("paul@example.org", lists["une"])
    edition = Edition.objects.create(newsletter=lists["une"], subject="Lundi")
    Delivery.objects.create(edition=edition, subscriber=claire)
    Delivery.objects.create(edition=edition, subscriber=other)
    Signup.objects.create(subscriber=claire, newsletter_ids=[lists["une"].pk])
    assert "sera effacé" in editor.get(f"{BASE}{claire.pk}/supprimer/").content.decode()
    assert Subscriber.objects.filter(pk=claire.pk).exists()  # nothing on GET
    response = editor.post(f"{BASE}{claire.pk}/supprimer/", follow=True)
    assert "claire@example.com est supprimé" in response.content.decode()
    assert not Subscriber.objects.filter(email="claire@example.com").exists()
    assert not Subscription.objects.filter(subscriber_id=claire.pk).exists()
    assert not Delivery.objects.filter(subscriber_id=claire.pk).exists() and Delivery.objects.count() == 1
    assert not Signup.objects.exists()
    assert Suppression.holds("claire@example.com") and not Suppression.holds("paul@example.org")
    # The suppression list shows why and when, never the address.
    page = editor.get("/admin/newsletters/exclusions/").content.decode()
    assert "Désabonné de tout" in page and "claire" not in page and email_hash("claire@example.com") not in page
    assert editor.post(f"{BASE}{claire.pk}/supprimer/").status_code == 404


def test_a_journalist_sees_no_subscriber(staff, lists):
    claire = subscriber("claire@example.com", lists["une"])
    client = Client(raise_request_exception=False)
    client.force_login(staff["journalist"])
    for url in ["", f"{claire.pk}/", "export/", "import/"]:
        response = client.get(BASE + url)
        assert response.status_code == 403 and "claire@example.com" not in response.content.decode()
    assert client.post(f"{BASE}{claire.pk}/supprimer/").status_code == 403
    assert client.post(f"{BASE}import/", {"fichier": upload("email,listes\nx@example.com,hebdo\n")}).status_code == 403
    assert Subscriber.objects.count() == 1 and client.get("/admin/newsletters/exclusions/").status_code == 403


def test_the_export_gives_each_subscriber_with_lists_and_consent(editor, lists):
    subscriber("claire@example.com", lists["une"], lists["hebdo"], source="/belgique/")
    subscriber("=cmd@example.com", lists["hebdo"], source="=HYPERLINK(1)")
    gone = subscriber("parti@example.com", lists["une"])
    Subscription.objects.filter(subscriber=gone).update(active=False, ended_at=timezone.now())
    response = editor.get(BASE + "export/")
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["email", "listes", "confirmé le", "consentement le", "origine"]
    by_email = {row[0]: row for row in rows[1:]}
    assert by_email["claire@example.com"][1] == "hebdo;une-du-matin" and by_email["claire@example.com"][4] == "/belgique/"
    assert by_email["claire@example.com"][2] and by_email["claire@example.com"][3]
    assert by_email["'=cmd@example.com"][4] == "'=HYPERLINK(1)"  # no formula for a spreadsheet
    assert by_email["parti@example.com"][1] == ""


def test_an_import_adds_confirmed_subscribers_with_their_consent(editor, lists):
    existing = subscriber("claire@example.com", lists["une"])
    subscriber("parti@example.com", lists["hebdo"])
    Subscription.objects.filter(subscriber__email="parti@example.com").update(active=False, ended_at=timezone.now())
    Suppression.add("bounce@example.com", Suppression.Reason.BOUNCED)
    text = ("email,listes,consentement,origine\n"
            "Nouveau@Example.com,une-du-matin;hebdo,2025-03-14T09:30:00+01:00,salon du livre\n"
            "claire@example.com,hebdo,,\n"
            "bounce@example.com,hebdo,,\n"
            "parti@example.com,hebdo,,\n")
    response = editor.post(BASE + "import/", {"fichier": upload(text)}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "Import terminé" in page
    new = Subscriber.objects.get(email="nouveau@example.com")
    assert new.confirmed_at is not None
    subscriptions = {s.newsletter.slug: s for s in new.subscriptions.select_related("newsletter")}
    assert set(subscriptions) == {"une-du-matin", "hebdo"}
    assert subscriptions["hebdo"].source == "import : salon du livre" and subscriptions["hebdo"].consent_text
    assert subscriptions["hebdo"].consented_at.isoformat() == "2025-03-14T08:30:00+00:00"
    assert set(existing.subscriptions.values_list("newsletter__slug", flat=True)) == {"une-du-matin", "hebdo"}
    assert not Subscriber.objects.filter(email="bounce@example.com").exists()
    assert not Subscription.objects.get(subscriber__email="parti@example.com").active  # left: not brought back
    assert "1 adresse exclue ignorée" in page and "1 désabonnement respecté" in page


def test_an_import_with_one_bad_line_imports_nothing_and_says_which(editor, lists):
    subscriber("claire@example.com", lists["une"])
    before = state()
    text = ("email,listes,consentement,origine\n"
            "bon@example.com,hebdo,,\n"
            "pas-une-adresse,hebdo,,\n"
            "autre@example.com,inconnue,,\n"
            "date@example.com,hebdo,14/03/2025,\n"
            "futur@example.com,hebdo,2999-01-01T00:00:00,\n"
            "Bon@example.com,une-du-matin,,\n"
            "injection@example.com\r\nBcc: x@example.com,hebdo,,\n"
            '"quoted@example.com\nBcc: x@example.com",hebdo,,\n'
            "vide@example.com,,,\n")
    response = editor.post(BASE + "import/", {"fichier": upload(text)})
    page = response.content.decode()
    assert response.status_code == 400 and "Rien n’a été importé." in page
    for line, reason in [(3, "adresse e-mail invalide"), (4, "liste inconnue"), (5, "date de consentement invalide"),
                         (6, "date de consentement invalide"), (7, "adresse déjà présente ligne 2"),
                         (8, "1 colonnes au lieu de 4"), (9, "adresse e-mail invalide"), (11, "adresse e-mail invalide"),
                         (12, "aucune liste")]:
        assert f"<td>{line}</td><td>{reason}" in page.replace("\n", ""), (line, reason)
    assert state() == before


@pytest.mark.parametrize("content, message", [
    (b"", "vide"),
    (b"email,listes\n", "aucune ligne"),
    (b"courriel,listes\nx@example.com,hebdo\n", "Colonne inconnue"),
    (b"email\nx@example.com\n", "au moins email et listes"),
    ("email,listes\nél@example.com,hebdo\n".encode("latin-1"), "UTF-8"),
    (b"email,listes\nx@example.com,hebdo\x00\n", "caractères nuls"),
])
def test_files_that_are_not_a_subscribers_csv_are_refused(editor, lists, content, message):
    before = state()
    response = editor.post(BASE + "import/", {"fichier": SimpleUploadedFile("f.csv", content)})
    assert response.status_code == 400 and message in response.content.decode() and state() == before


def test_size_caps(lists, monkeypatch):
    monkeypatch.setattr(imports, "MAX_LINES", 3)
    text = "email,listes\n" + "".join(f"l{n}@example.com,hebdo\n" for n in range(4))
    result = imports.import_csv(io.BytesIO(text.encode()))
    assert not result.ok and "trop de lignes" in result.fatal and Subscriber.objects.count() == 0
    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    result = imports.import_csv(io.BytesIO(b"email,listes\n" + b"x" * 200))
    assert not result.ok and "trop gros" in result.fatal


def test_the_export_reimports_as_it_is(editor, lists):
    subscriber("claire@example.com", lists["une"], lists["hebdo"], source="/belgique/")
    exported = b"".join(editor.get(BASE + "export/").streaming_content)
    Subscriber.objects.all().delete()
    result = imports.import_csv(io.BytesIO(exported))
    assert result.ok and result.created == 1 and result.subscriptions == 2
    assert Subscription.objects.filter(subscriber__email="claire@example.com", source="import : /belgique/").count() == 2


def test_a_large_import_is_all_at_once(lists):
    text = "email,listes\n" + "".join(f"lecteur{n}@example.com,une-du-matin;hebdo\n" for n in range(3000))
    result = imports.import_csv(io.BytesIO(text.encode()))
    assert result.ok and result.created == 3000 and Subscription.objects.count() == 6000
