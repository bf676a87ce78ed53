"""The newsroom's side of an edition in the admin: lists and editions, preview, test, send, live report; who may."""

import datetime
import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from manchette.newsletters import admin_views
from manchette.newsletters.models import (
    Delivery,
    DeliveryStatus,
    Edition,
    EditionStatus,
    Subscriber,
    Subscription,
)
from manchette.testing.smtp import body

pytestmark = pytest.mark.django_db

SENDS = "/admin/newsletters/envois/"




@pytest.fixture
def subscribers(newsletter):
    made = []
    for n in range(3):
        subscriber = Subscriber.objects.create(email=f"lecteur{n}@example.com", confirmed_at=timezone.now())
        Subscription.objects.create(subscriber=subscriber, newsletter=newsletter, source="test")
        made.append(subscriber)
    return made


def logged(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def editor(staff):
    return logged(staff["editor"])


@pytest.fixture
def viewer(django_user_model, home):
    """Someone who may see editions (and reach the admin) but not send them."""
    user = django_user_model.objects.create_user("lecteur-interne", "interne@example.com", "motdepasse-solide")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", "view_edition"]))
    return logged(user)


def test_the_editors_menu_lists_editions_and_lists(editor, edition):
    for url in ["/admin/newsletters/listes/", "/admin/newsletters/editions/",
                "/admin/newsletters/editions/add/", f"/admin/newsletters/editions/edit/{edition.pk}/",
                "/admin/newsletters/listes/add/"]:
        response = editor.get(url)
        assert response.status_code == 200, url
    listing = editor.get("/admin/newsletters/editions/").content.decode()
    assert "Le pont de Namur rouvre" in listing and "Brouillon" in listing and f"{SENDS}{edition.pk}/" in listing
    dashboard = editor.get("/admin/").content.decode()
    assert "Newsletters" in dashboard and "/admin/newsletters/abonnes/" in dashboard  # the menu, as JSON


def test_the_edition_page_previews_the_email_as_subscribers_will_see_it(editor, edition):
    page = editor.get(f"{SENDS}{edition.pk}/").content.decode()
    assert "Envoyer un test" in page and "Envoyer maintenant" in page and f"{SENDS}{edition.pk}/apercu/" in page
    preview = editor.get(f"{SENDS}{edition.pk}/apercu/")
    assert preview.status_code == 200 and preview["Content-Type"].startswith("text/html")
    assert preview["X-Frame-Options"] == "SAMEORIGIN" and "script-src" not in preview["Content-Security-Policy"]
    html = preview.content.decode()
    assert "Le pont de Namur rouvre" in html and "Se désabonner" in html and "%%" not in html
    text = editor.get(f"{SENDS}{edition.pk}/apercu/?format=texte").content.decode()
    assert "Le pont de Namur rouvre" in text and "<table" not in text
    # A preview does not freeze a draft.
    edition.refresh_from_db()
    assert edition.html == "" and edition.status == EditionStatus.DRAFT


def test_a_test_goes_to_the_editors_own_address(editor, staff, edition, smtp_server):
    response = editor.post(f"{SENDS}{edition.pk}/test/", follow=True)
    assert "Un test a été envoyé à marc@example.com." in response.content.decode()
    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == ["marc@example.com"]
    assert "Le pont de Namur rouvre" in body(message, "html") and "Le pont de Namur rouvre" in body(message)
    assert Delivery.objects.count() == 0
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.DRAFT


def test_sending_asks_for_a_confirmation_then_starts(editor, staff, edition, subscribers):
    confirm = editor.get(f"{SENDS}{edition.pk}/envoyer/").content.decode()
    assert "3 abonnés confirmés" in confirm and 'name="confirmer"' in confirm
    refused = editor.post(f"{SENDS}{edition.pk}/envoyer/")
    assert refused.status_code == 400 and "Confirmez" in refused.content.decode()
    assert Delivery.objects.count() == 0
    response = editor.post(f"{SENDS}{edition.pk}/envoyer/", {"confirmer": "oui"})
    assert response.status_code == 302 and response["Location"] == f"{SENDS}{edition.pk}/rapport/"
    edition.refresh_from_db()
    assert edition.status == EditionStatus.SENDING and edition.recipients == 3 and "Le pont" in edition.html
    assert Delivery.objects.filter(edition=edition).count() == 3
    again = editor.post(f"{SENDS}{edition.pk}/envoyer/", {"confirmer": "oui"}, follow=True).content.decode()
    assert "rien n’a été renvoyé" in again and Delivery.objects.count() == 3
    # A sent edition is no longer edited.
    assert editor.get(f"/admin/newsletters/editions/edit/{edition.pk}/")["Location"] == f"{SENDS}{edition.pk}/"


def test_a_send_that_cannot_start_is_told_in_french(editor, newsletter, edition, subscribers):
    newsletter.active = False
    newsletter.save()
    page = editor.post(f"{SENDS}{edition.pk}/envoyer/", {"confirmer": "oui"}, follow=True).content.decode()
    assert "L’envoi n’a pas commencé" in page and "désactivée" in page
    assert Delivery.objects.count() == 0 and Edition.objects.get(pk=edition.pk).status == EditionStatus.DRAFT


def test_who_may_see_and_who_may_send(staff, viewer, edition, subscribers):
    journalist = logged(staff["journalist"])
    for url in ["", "apercu/", "rapport/", "rapport.json", "envoyer/"]:
        assert journalist.get(f"{SENDS}{edition.pk}/{url}").status_code == 403, url
    assert journalist.post(f"{SENDS}{edition.pk}/envoyer/", {"confirmer": "oui"}).status_code == 403
    assert journalist.post(f"{SENDS}{edition.pk}/test/").status_code == 403
    # View permission: the page, preview and report, not the send nor the test.
    page = viewer.get(f"{SENDS}{edition.pk}/")
    assert page.status_code == 200 and "Envoyer maintenant" not in page.content.decode()
    assert viewer.get(f"{SENDS}{edition.pk}/apercu/").status_code == 200
    assert viewer.get(f"{SENDS}{edition.pk}/rapport.json").status_code == 200
    assert viewer.get(f"{SENDS}{edition.pk}/envoyer/").status_code == 403
    assert viewer.post(f"{SENDS}{edition.pk}/envoyer/", {"confirmer": "oui"}).status_code == 403
    assert viewer.post(f"{SENDS}{edition.pk}/test/").status_code == 403
    assert Delivery.objects.count() == 0
    assert Client().get(f"{SENDS}{edition.pk}/rapport.json").status_code in (302, 403)


def test_the_report_counts_the_send_as_it_goes(editor, edition, subscribers, newsletter):
    now = timezone.now()
    edition.status, edition.started_at, edition.recipients, edition.maybe_twice = EditionStatus.SENDING, now - datetime.timedelta(minutes=1), 5, 1
    edition.save()
    statuses = [DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.BOUNCED, DeliveryStatus.QUEUED, DeliveryStatus.SKIPPED]
    for n, status in enumerate(statuses):
        subscriber = subscribers[n] if n < 3 else Subscriber.objects.create(email=f"autre{n}@example.com")
        Delivery.objects.create(edition=edition, subscriber=subscriber, status=status,
                                sent_at=now - datetime.timedelta(seconds=2) if status == DeliveryStatus.SENT else None)
    Subscription.objects.filter(subscriber=subscribers[0]).update(active=False, ended_at=now)
    data = json.loads(editor.get(f"{SENDS}{edition.pk}/rapport.json").content)
    assert data["recipients"] == 5 and data["sent"] == 2 and data["bounced"] == 1 and data["skipped"] == 1
    assert data["queued"] == 1 and data["done"] == 4 and data["progress"] == 80.0
    assert data["unsubscribed_since"] == 1 and data["maybe_twice"] == 1
    assert data["rate"] > 0 and data["eta_seconds"] is not None and data["finished"] is False
    assert data["status_label"] == "En cours d’envoi"
    page = editor.get(f"{SENDS}{edition.pk}/rapport/").content.decode()
    assert "rapport.json" in page and "Peut-être reçus deux fois" in page and "<progress" in page
    Edition.objects.filter(pk=edition.pk).update(status=EditionStatus.SENT, finished_at=timezone.now())
    assert admin_views.report(Edition.objects.get(pk=edition.pk))["finished"] is True


def test_unknown_editions_are_404(editor):
    for url in ["", "apercu/", "rapport/", "rapport.json", "envoyer/"]:
        assert editor.get(f"{SENDS}999999/{url}").status_code == 404
    assert editor.post(f"{SENDS}999999/test/").status_code == 404


def test_an_editor_composes_an_edition_with_picked_articles(editor, staff, newsletter, published_article):
    first = published_article(title="Premier choisi", slug="premier")
    second = published_article(title="Second choisi", slug="second")
    form = {
        "newsletter": newsletter.pk, "subject": "Édition spéciale", "intro": "Bonjour",
        "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "items-0-article": second.pk, "items-0-ORDER": "1", "items-0-id": "", "items-0-DELETE": "",
        "items-1-article": first.pk, "items-1-ORDER": "2", "items-1-id": "", "items-1-DELETE": "",
    }
    response = editor.post("/admin/newsletters/editions/add/", form)
    edition = Edition.objects.get(subject="Édition spéciale")
    assert response.status_code == 302 and response["Location"] == f"{SENDS}{edition.pk}/"
    assert edition.created_by == staff["editor"] and edition.status == EditionStatus.DRAFT
    assert [item.article.title for item in edition.items.order_by("sort_order")] == ["Second choisi", "Premier choisi"]
    page = editor.get(f"{SENDS}{edition.pk}/").content.decode()
    assert "Articles choisis par la rédaction" in page
    preview = editor.get(f"{SENDS}{edition.pk}/apercu/").content.decode()
    assert preview.index("Second choisi") < preview.index("Premier choisi")
