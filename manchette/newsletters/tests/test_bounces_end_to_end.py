"""An asynchronous bounce, end to end: an edition goes out through the real SMTP server with one envelope sender
per delivery (VERP); the receiving side later returns one of the messages as a delivery status notification
to that sender, which lands in the bounce mailbox (a real Dovecot); the worker's tick reads it, the send report
counts the bounce, and the next edition is not sent to that address."""

import pytest
from django.utils import timezone

from manchette.newsletters import sending, tasks
from manchette.newsletters.models import (
    Delivery,
    DeliveryStatus,
    Edition,
    EditionItem,
    Subscriber,
    Subscription,
    Suppression,
)

pytestmark = pytest.mark.django_db



@pytest.fixture
def new_edition(newsletter, published_article):
    article = published_article(title="Le pont de Namur rouvre", slug="pont-namur")

    def make(subject):
        edition = Edition.objects.create(newsletter=newsletter, subject=subject)
        EditionItem.objects.create(edition=edition, article=article, sort_order=0)
        return edition

    return make


def send_all(edition):
    sending.start(edition)
    for _ in range(20):
        if sending.send_for_a_while(edition.pk, seconds=5) is None:
            break


def returned_as_failed(message):
    """The delivery status notification a receiving MTA sends back to MESSAGE's envelope sender for a mailbox that
    does not exist (Postfix's form), as the bounce mailbox's server stores it."""
    recipient = message.envelope_to[0]
    headers = "".join(f"{name}: {value}\n" for name, value in message.items())
    return f"""\
Return-Path: <>
Delivered-To: {message.envelope_from}
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
To: {message.envelope_from}
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=utf-8

<{recipient}>: host mx.example.org said: 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

--B
Content-Type: text/rfc822-headers

Return-Path: <{message.envelope_from}>
{headers}
--B--
"""


def test_a_bounce_returned_later_is_read_by_the_tick_and_counted(smtp_server, imap_server, new_edition, newsletter,
                                                                  settings):
    settings.NEWSLETTER_BOUNCE_ADDRESS = "retours@manchette.example"
    for address in ("alice@example.org", "disparu@example.org"):
        subscriber = Subscriber.objects.create(email=address, confirmed_at=timezone.now())
        Subscription.objects.create(subscriber=subscriber, newsletter=newsletter, source="test")
    first = new_edition("La Une du lundi")
    send_all(first)
    assert len(smtp_server.wait_for(2)) == 2
    assert sending.report(first)["bounced"] == 0
    imap_server.append(returned_as_failed(smtp_server.to("disparu@example.org")[0]))

    tasks.run_periodic()  # what the worker does every minute

    assert sending.report(first)["bounced"] == 1
    assert Delivery.objects.get(edition=first, subscriber__email="disparu@example.org").status == DeliveryStatus.BOUNCED
    assert Suppression.objects.get().reason == Suppression.Reason.BOUNCED
    assert imap_server.messages() == {}

    smtp_server.clear()
    send_all(new_edition("La Une du mardi"))
    assert [message.envelope_to for message in smtp_server.wait_for(1)] == [["alice@example.org"]]
    assert not smtp_server.to("disparu@example.org")
