"""Bounces read back from the bounce mailbox, a real IMAP server (a private Dovecot, the `imap_server` fixture):
a permanent failure notified later marks the address bounced, a delay changes nothing, a forged VERP address
names nobody, a complaint unsubscribes, and nothing a stranger sends to the bounce address crashes the reading."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from manchette.newsletters import bounces, links
from manchette.newsletters.models import (
    Delivery,
    DeliveryStatus,
    Edition,
    Newsletter,
    Subscriber,
    Subscription,
    Suppression,
)
from manchette.testing.servers import free_port

pytestmark = pytest.mark.django_db

BOUNCE_ADDRESS = "retours@manchette.test"


@pytest.fixture(autouse=True)
def bounce_address(settings):
    settings.NEWSLETTER_BOUNCE_ADDRESS = BOUNCE_ADDRESS


@pytest.fixture
def newsletter():
    return Newsletter.objects.create(name="La Une du matin", slug="une-du-matin", description="L’essentiel.")


@pytest.fixture
def edition(newsletter):
    return Edition.objects.create(newsletter=newsletter, subject="La Une du matin")


@pytest.fixture
def deliver(newsletter, edition):
    """deliver(email): a subscriber of the list and the delivery of the edition that was sent to it."""

    def make(address):
        subscriber = Subscriber.objects.create(email=address, confirmed_at=timezone.now())
        Subscription.objects.create(subscriber=subscriber, newsletter=newsletter, source="test")
        return Delivery.objects.create(edition=edition, subscriber=subscriber, status=DeliveryStatus.SENT,
                                       sent_at=timezone.now())

    return make


def returned_headers(delivery, return_path=None):
    subscriber = delivery.subscriber
    return (
        f"Return-Path: <{return_path or links.verp_address(delivery.pk)}>\n"
        "From: Manchette <newsletter@manchette.test>\n"
        f"To: {subscriber.email}\n"
        "Subject: La Une du matin\n"
        f"Message-ID: <e{delivery.edition_id}.d{delivery.pk}.abc@manchette.test>\n"
        f"List-Unsubscribe: <{links.unsubscribe_url(subscriber)}>\n"
    )


def dsn(to, recipient, action="failed", status="5.1.1", diagnostic="smtp; 550 5.1.1 User unknown",
        returned="", report_type="delivery-status"):
    """A delivery status notification as Postfix writes them (RFC 3464), sent to TO about RECIPIENT."""
    return f"""\
Return-Path: <>
Delivered-To: {to}
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type={report_type};
\tboundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--BOUNDARY
Content-Type: message/{report_type}

Reporting-MTA: dns; mx.example.net
Arrival-Date: Fri,  5 Dec 2025 07:00:01 +0100 (CET)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.example.net
Diagnostic-Code: {diagnostic}

--BOUNDARY
Content-Type: text/rfc822-headers

{returned}
--BOUNDARY--
"""


def arf(to, returned, feedback_type="abuse", mail_from=""):
    """A feedback report (ARF, RFC 5965) as a mailbox provider sends for a reader's « this is spam »."""
    return f"""\
From: feedback@provider.example
To: {to}
Subject: Complaint about message
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"

--ARF
Content-Type: text/plain; charset=utf-8

This is an email abuse report.

--ARF
Content-Type: message/feedback-report

Feedback-Type: {feedback_type}
User-Agent: SomeFBL/1.0
Version: 1
Original-Mail-From: {mail_from}
Arrival-Date: Fri, 5 Dec 2025 07:00:05 +0100

--ARF
Content-Type: message/rfc822

{returned}
Content-Type: text/plain

La Une du matin...
--ARF--
"""


# --- Without a server --------------------------------------------------------------------------------------------

def test_no_mailbox_configured_reads_nothing(settings):
    settings.NEWSLETTER_BOUNCE_IMAP_URL = ""
    assert bounces.poll() == 0


def test_read_bounces_without_a_mailbox_says_so(settings, capsys):
    settings.NEWSLETTER_BOUNCE_IMAP_URL = ""
    call_command("read_bounces")
    assert "Aucune boîte des retours configurée" in capsys.readouterr().out


@pytest.mark.parametrize("url", ["http://127.0.0.1/INBOX", "imap:///INBOX", "imap://u:p@127.0.0.1:notaport/INBOX"])
def test_a_malformed_mailbox_address_is_a_clear_error(settings, url):
    settings.NEWSLETTER_BOUNCE_IMAP_URL = url
    with pytest.raises(bounces.MailboxError):
        bounces.poll()


def test_a_mailbox_that_does_not_answer_is_a_clear_error(settings):
    settings.NEWSLETTER_BOUNCE_IMAP_URL = f"imap://u:p@127.0.0.1:{free_port()}/INBOX"
    with pytest.raises(bounces.MailboxError, match="injoignable"):
        bounces.poll()
    with pytest.raises(CommandError, match="injoignable"):
        call_command("read_bounces")


def test_a_permanent_failure_names_its_delivery(deliver):
    delivery = deliver("lecteur@example.net")
    report = bounces.examine(dsn(links.verp_address(delivery.pk), "lecteur@example.net").encode())
    assert report.kind == "bounced" and report.delivery_id == delivery.pk
    assert "5.1.1" in report.detail and "User unknown" in report.detail


def test_the_returned_return_path_names_the_delivery_when_the_headers_do_not(deliver):
    delivery = deliver("lecteur@example.net")
    message = dsn(BOUNCE_ADDRESS, "lecteur@example.net", returned=returned_headers(delivery))
    assert bounces.examine(message.encode()).delivery_id == delivery.pk


def test_a_global_delivery_status_is_read_too(deliver):
    delivery = deliver("lecteur@example.net")
    message = dsn(links.verp_address(delivery.pk), "lecteur@example.net", report_type="global-delivery-status")
    assert bounces.examine(message.encode()).kind == "bounced"


@pytest.mark.parametrize(("action", "status"), [("delayed", "4.4.1"), ("failed", "4.2.2"), ("relayed", "2.0.0"),
                                                ("delivered", "2.0.0"), ("failed", "garbage")])
def test_what_is_not_a_permanent_failure_changes_nothing(deliver, action, status):
    delivery = deliver("lecteur@example.net")
    report = bounces.examine(dsn(links.verp_address(delivery.pk), "x@example.net", action, status).encode())
    assert report.kind == "ignored"
    assert bounces.record(report) == 0


def test_a_feedback_report_without_verp_names_its_subscriber_by_the_unsubscribe_link(deliver):
    delivery = deliver("lecteur@example.net")
    message = arf("fbl@manchette.test", returned_headers(delivery, return_path="newsletter@manchette.test"))
    report = bounces.examine(message.encode())
    assert report.kind == "complained" and report.subscriber_key == delivery.subscriber.key


def test_a_status_merged_with_the_message_fields_is_read(deliver):
    delivery = deliver("lecteur@example.net")
    message = dsn(links.verp_address(delivery.pk), "lecteur@example.net").replace(
        "Arrival-Date: Fri,  5 Dec 2025 07:00:01 +0100 (CET)\n\n", "")
    assert bounces.examine(message.encode()).kind == "bounced"


def test_a_feedback_report_names_its_delivery_by_its_original_envelope_sender(deliver):
    delivery = deliver("lecteur@example.net")
    message = arf("fbl@manchette.test", "Subject: La Une\n", mail_from=links.verp_address(delivery.pk))
    report = bounces.examine(message.encode())
    assert report.kind == "complained" and report.delivery_id == delivery.pk


def test_a_feedback_report_naming_nobody_we_can_trust_is_not_ours(deliver):
    delivery = deliver("lecteur@example.net")
    forged_link = links.unsubscribe_url(delivery.subscriber).replace("desabonnement/", "desabonnement/x")
    assert forged_link != links.unsubscribe_url(delivery.subscriber)
    returned = f"Return-Path: <retours+d{delivery.pk}-0000000000@manchette.test>\nList-Unsubscribe: <{forged_link}>\n"
    message = arf("fbl@manchette.test", returned, mail_from="lecteur@example.net")
    assert bounces.examine(message.encode()) is None


@pytest.mark.parametrize("raw", [
    b"",
    b"\x00\xff\xfe garbage",
    b"Content-Type: multipart/report; report-type=delivery-status\n\nno boundary at all\n",
    b"Content-Type: multipart/report; report-type*=''%FF%FE; boundary=x\n\n--x\n",
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\nTo: =?x-unknown?b?AAAA?=\n\n"
    b"--x\nContent-Type: message/delivery-status; charset=x-unknown\nContent-Transfer-Encoding: base64\n\n!!!!\n",
    b"Content-Type: multipart/report; report-type=feedback-report; boundary=x\n\n--x\n"
    b"Content-Type: message/feedback-report\n\n\xff\xfe: \xff\n--x\nContent-Type: message/rfc822\n\n\xff\n--x--\n",
    # Parts nested thousands deep: deeper than Python's recursion limit.
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=b0\n\n" + b"".join(
        b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (depth, depth + 1) for depth in range(5000)),
])
def test_broken_messages_are_not_reports(raw):
    assert bounces.examine(raw) is None


# --- With a real IMAP server -------------------------------------------------------------------------------------

def test_a_bounce_read_from_the_mailbox_suppresses_the_address(imap_server, deliver):
    delivery = deliver("Parti@Example.net")
    kept = deliver("reste@example.net")
    imap_server.append(dsn(links.verp_address(delivery.pk), "parti@example.net",
                           returned=returned_headers(delivery)))

    assert bounces.poll() == 1

    assert Suppression.holds("parti@example.net")
    assert Suppression.objects.get().reason == Suppression.Reason.BOUNCED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.BOUNCED and "5.1.1" in delivery.error
    kept.refresh_from_db()
    assert kept.status == DeliveryStatus.SENT and not Suppression.holds("reste@example.net")
    assert imap_server.messages() == {}  # processed, deleted
    assert bounces.poll() == 0  # and not read twice


def test_a_delay_is_read_and_removed_without_changing_anything(imap_server, deliver):
    delivery = deliver("lent@example.net")
    verp = links.verp_address(delivery.pk)
    imap_server.append(dsn(verp, "lent@example.net", "delayed", "4.4.1", "smtp; 451 4.4.1 Try again later"))
    imap_server.append(dsn(verp, "lent@example.net", "failed", "4.2.2", "smtp; 452 4.2.2 Mailbox full"))

    assert bounces.poll() == 0

    assert not Suppression.objects.exists()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert imap_server.messages() == {}


def test_a_forged_verp_address_marks_nobody(imap_server, deliver):
    delivery = deliver("cible@example.net")
    verp = links.verp_address(delivery.pk)
    forged = verp.replace(f"+d{delivery.pk}-", f"+d{delivery.pk + 1}-")  # another delivery, the same signature
    tampered = verp[:-len("@manchette.test") - 1] + ("0" if verp[-len("@manchette.test") - 1] != "0" else "1") + "@manchette.test"
    for address in (forged, tampered, f"retours+d{delivery.pk}@manchette.test", BOUNCE_ADDRESS):
        imap_server.append(dsn(address, "cible@example.net",
                               returned=returned_headers(delivery, return_path="newsletter@manchette.test")))

    assert bounces.poll() == 0

    assert not Suppression.objects.exists()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    held = imap_server.messages()
    assert len(held) == 4 and all("\\Seen" in flags for flags, _raw in held.values())  # left for a person, seen
    assert bounces.poll() == 0


def test_a_complaint_unsubscribes_from_everything(imap_server, deliver, newsletter):
    delivery = deliver("fache@example.net")
    other = Newsletter.objects.create(name="Alertes", slug="alertes", description="Les alertes.")
    Subscription.objects.create(subscriber=delivery.subscriber, newsletter=other, source="test")
    imap_server.append(arf("fbl@manchette.test", returned_headers(delivery),
                           mail_from=links.verp_address(delivery.pk)))

    assert bounces.poll() == 1

    assert Suppression.objects.get().reason == Suppression.Reason.COMPLAINED
    assert Suppression.holds("fache@example.net")
    assert not Subscription.objects.filter(subscriber=delivery.subscriber, active=True).exists()
    assert imap_server.messages() == {}


def test_a_not_spam_report_changes_nothing(imap_server, deliver):
    delivery = deliver("content@example.net")
    imap_server.append(arf("fbl@manchette.test", returned_headers(delivery), feedback_type="not-spam",
                           mail_from=links.verp_address(delivery.pk)))

    assert bounces.poll() == 0
    assert not Suppression.objects.exists()
    assert Subscription.objects.get().active


def test_replies_junk_and_huge_messages_are_left_seen_and_the_bounces_after_them_read(imap_server, deliver):
    delivery = deliver("parti@example.net")
    imap_server.append("From: lecteur@example.net\nTo: retours@manchette.test\nSubject: Re: La Une\n\nMerci !\n")
    imap_server.append(b"\xff\xfe\x00 not even a header\n\n\x00\x01")
    imap_server.append(b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\n"
                       b"Subject: =?x-klingon?q?=FF?=\n\n--x\nContent-Type: message/delivery-status\n\n"
                       b"Action: failed\n--x")
    huge = dsn(links.verp_address(delivery.pk), "parti@example.net", returned=returned_headers(delivery))
    huge = huge.replace("--BOUNDARY--", "x" * 100 + "\n") * 1 + ("y" * 998 + "\n") * 1200 + "--BOUNDARY--\n"
    assert len(huge) > bounces.MAX_BYTES
    imap_server.append(huge)

    assert bounces.poll() == 1  # the huge one is a bounce: its status is in its first kilobytes

    assert Suppression.holds("parti@example.net")
    held = imap_server.messages()
    assert len(held) == 3 and all("\\Seen" in flags for flags, _raw in held.values())


def test_many_bounces_are_read_in_batches(imap_server, deliver, monkeypatch):
    monkeypatch.setattr(bounces, "BATCH", 3)
    deliveries = [deliver(f"parti{number}@example.net") for number in range(7)]
    for delivery in deliveries:
        imap_server.append(dsn(links.verp_address(delivery.pk), delivery.subscriber.email))

    assert bounces.poll(limit=5) == 5
    assert bounces.poll() == 2

    assert Suppression.objects.count() == 7
    assert imap_server.messages() == {}


def test_a_bounce_for_a_deleted_subscriber_is_removed(imap_server, deliver):
    delivery = deliver("efface@example.net")
    message = dsn(links.verp_address(delivery.pk), "efface@example.net")
    delivery.subscriber.delete()
    imap_server.append(message)

    assert bounces.poll() == 0
    assert imap_server.messages() == {}


def test_a_wrong_password_is_a_clear_error(imap_server, settings):
    settings.NEWSLETTER_BOUNCE_IMAP_URL = imap_server.url.replace(imap_server.password, "mauvais")
    with pytest.raises(bounces.MailboxError, match="illisible"):
        bounces.poll()


def test_read_bounces_reads_the_mailbox(imap_server, deliver, capsys):
    delivery = deliver("parti@example.net")
    imap_server.append(dsn(links.verp_address(delivery.pk), "parti@example.net"))

    call_command("read_bounces")

    assert capsys.readouterr().out.strip() == "1 adresse(s) exclue(s) des envois."
    assert Suppression.holds("parti@example.net")


def test_imaps_reads_the_mailbox_over_tls(imap_server, deliver, settings, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(imap_server.cert_path))  # the test server's self-signed certificate
    settings.NEWSLETTER_BOUNCE_IMAP_URL = imap_server.tls_url
    delivery = deliver("parti@example.net")
    imap_server.append(dsn(links.verp_address(delivery.pk), "parti@example.net"))

    assert bounces.poll() == 1
    assert Suppression.holds("parti@example.net")


def test_imaps_refuses_a_certificate_it_does_not_trust(imap_server, deliver, settings, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    settings.NEWSLETTER_BOUNCE_IMAP_URL = imap_server.tls_url
    delivery = deliver("parti@example.net")
    imap_server.append(dsn(links.verp_address(delivery.pk), "parti@example.net"))

    with pytest.raises(bounces.MailboxError, match="injoignable"):
        bounces.poll()
    assert not Suppression.objects.exists()


def test_a_folder_that_does_not_exist_is_a_clear_error(imap_server, settings):
    settings.NEWSLETTER_BOUNCE_IMAP_URL = imap_server.url.replace("/INBOX", "/Retours%20absents")
    with pytest.raises(bounces.MailboxError, match="« Retours absents » introuvable"):
        bounces.poll()
