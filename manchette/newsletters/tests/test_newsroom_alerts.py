"""The editors told, once, in French, when a scheduled edition failed, stalled or was skipped."""

import datetime
import smtplib

import pytest
from django.utils import timezone

from manchette.newsletters import alerts
from manchette.newsletters.models import Edition, EditionStatus, Newsletter
from manchette.testing.smtp import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(db):
    newsletter = Newsletter.objects.create(name="La Une du matin", slug="une-du-matin", description="L’essentiel.")
    due = timezone.make_aware(datetime.datetime(2026, 3, 10, 7, 0))
    return Edition.objects.create(newsletter=newsletter, subject="La Une du mardi", due_at=due, status=EditionStatus.SKIPPED)


def test_editors_and_superusers_are_told_once(staff, django_user_model, edition, smtp_server, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://journal.example"
    django_user_model.objects.create_superuser("admin", "admin@example.com", "motdepasse-solide")
    django_user_model.objects.create_superuser("ancien", "ancien@example.com", "motdepasse-solide", is_active=False)
    assert alerts.alert_editors(edition, "skipped") is True
    messages = smtp_server.wait_for(2)
    assert sorted(m.envelope_to[0] for m in messages) == ["admin@example.com", "marc@example.com"]
    message = messages[0]
    assert "La Une du matin" in message["Subject"] and "\n" not in message["Subject"]
    text = body(message)
    assert "La Une du mardi" in text and "mardi 10 mars 2026 à 07:00" in text
    assert "délai de grâce" in text
    assert f"https://journal.example/admin/newsletters/envois/{edition.pk}/rapport/" in text
    assert Edition.objects.get(pk=edition.pk).alerted_at is not None
    # The next tick calls it again: nobody is told twice.
    assert alerts.alert_editors(Edition.objects.get(pk=edition.pk), "skipped") is False
    assert alerts.alert_editors(edition, "failed") is False
    assert len(smtp_server.messages) == 2


def test_the_reason_and_error_are_said(staff, edition, smtp_server):
    edition.error = "Connexion refusée par 127.0.0.1:25"
    edition.save()
    alerts.alert_editors(edition, "stalled")
    text = body(smtp_server.wait_for(1)[0])
    assert "L’envoi est bloqué" in text and "Connexion refusée par 127.0.0.1:25" in text


def test_an_alert_that_could_not_be_sent_is_tried_again(staff, edition, settings, smtp_server):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    with pytest.raises((OSError, smtplib.SMTPException)):
        alerts.alert_editors(edition, "failed")
    assert Edition.objects.get(pk=edition.pk).alerted_at is None
    settings.EMAIL_PORT = port
    assert alerts.alert_editors(edition, "failed") is True
    assert "L’envoi a échoué." in body(smtp_server.wait_for(1)[0])
