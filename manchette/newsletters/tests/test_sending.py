"""Sending an edition through a real SMTP server on 127.0.0.1: each subscriber once, signed, with its own links;
what a 4xx, a 5xx, a server that is down, a dead worker and a rate limit do."""

import base64
import datetime
import socket
import subprocess

import dkim as dkimpy
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from manchette.newsletters import dkim, sending
from manchette.newsletters.models import (
    Delivery,
    DeliveryStatus,
    Edition,
    EditionStatus,
    Newsletter,
    SendWorker,
    Subscriber,
    Subscription,
    Suppression,
)
from manchette.testing.smtp import body

pytestmark = pytest.mark.django_db(transaction=False)





@pytest.fixture
def dkim_key(tmp_path, settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "dkim.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    settings.DKIM_PRIVATE_KEY_FILE = str(path)
    settings.DKIM_SELECTOR, settings.DKIM_DOMAIN = "journal", "manchette.example"
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    dkim._signer.cache_clear()
    yield b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    dkim._signer.cache_clear()


def send_all(edition):
    sending.start(edition)
    for _ in range(20):
        if sending.send_for_a_while(edition.pk, seconds=5) is None:
            break
    edition.refresh_from_db()
    return edition


def test_each_confirmed_subscriber_gets_one_signed_message_with_its_own_links(smtp_server, subscribe, edition, dkim_key):
    alice, bruno = subscribe("alice@example.org"), subscribe("bruno@example.org")
    subscribe("pending@example.org", confirmed=False)
    subscribe("left@example.org", active=False)

    edition = send_all(edition)

    assert edition.status == EditionStatus.SENT and edition.recipients == 2
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == ["alice@example.org", "bruno@example.org"]
    message = smtp_server.to("alice@example.org")[0]
    assert message["Subject"] == "Le pont de Namur rouvre"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http") and unsubscribe != smtp_server.to("bruno@example.org")[0]["List-Unsubscribe"].strip("<>")
    assert "Le pont de Namur rouvre" in body(message, "plain") and "Le pont de Namur rouvre" in body(message, "html")
    assert unsubscribe in body(message, "html") and unsubscribe in body(message, "plain")
    assert "%%" not in body(message, "html") + body(message, "plain")
    assert dkimpy.verify(message.raw, dnsfunc=lambda name, timeout=5: dkim_key)
    assert Delivery.objects.filter(edition=edition, status=DeliveryStatus.SENT).count() == 2
    assert {alice.pk, bruno.pk} == set(Delivery.objects.values_list("subscriber_id", flat=True))


def test_the_unsubscribe_link_of_an_edition_leaves_its_list_by_post_with_no_csrf(smtp_server, subscribe, edition, client):
    subscribe("alice@example.org")
    send_all(edition)
    url = smtp_server.messages[0]["List-Unsubscribe"].strip("<>")
    client.handler.enforce_csrf_checks = True
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.get(subscriber__email="alice@example.org").active


def test_a_reader_who_leaves_during_the_send_gets_nothing_more(smtp_server, subscribe, edition):
    subscribe("alice@example.org")
    bruno = subscribe("bruno@example.org")
    sending.start(edition)
    Subscription.objects.filter(subscriber=bruno).update(active=False, ended_at=timezone.now())
    Suppression.add("alice@example.org", Suppression.Reason.COMPLAINED)
    while sending.send_for_a_while(edition.pk, seconds=5) is not None:
        pass
    assert smtp_server.messages == []
    assert Delivery.objects.filter(status=DeliveryStatus.SKIPPED).count() == 2
    assert sending.report(Edition.objects.get(pk=edition.pk))["unsubscribed_since"] == 1


def test_a_4xx_answer_is_tried_again_later_and_a_5xx_marks_the_address_bounced(smtp_server, subscribe, edition):
    subscribe("alice@example.org")
    subscribe("busy@example.org")
    subscribe("gone@example.org")
    smtp_server.refuse("busy@example.org", "451 4.2.1 Boîte pleine, réessayez")
    smtp_server.refuse("gone@example.org", "550 5.1.1 Utilisateur inconnu")
    sending.start(edition)
    wait = sending.send_for_a_while(edition.pk, seconds=5)

    assert [m.envelope_to for m in smtp_server.messages] == [["alice@example.org"]]
    busy = Delivery.objects.get(subscriber__email="busy@example.org")
    assert busy.status == DeliveryStatus.QUEUED and busy.attempts == 1 and busy.not_before > timezone.now()
    assert "451" in busy.error and wait >= 1
    gone = Delivery.objects.get(subscriber__email="gone@example.org")
    assert gone.status == DeliveryStatus.BOUNCED and "550" in gone.error
    assert Suppression.holds("gone@example.org")

    # Once the delay is over and the mailbox has room, it goes.
    smtp_server.answers.clear()
    Delivery.objects.filter(pk=busy.pk).update(not_before=timezone.now())
    assert sending.send_for_a_while(edition.pk, seconds=5) is None
    assert smtp_server.to("busy@example.org") and Edition.objects.get(pk=edition.pk).status == EditionStatus.SENT


def test_a_server_that_is_down_makes_the_send_wait_with_nothing_lost(smtp_server, subscribe, edition, settings):
    for n in range(3):
        subscribe(f"lecteur{n}@example.org")
    port = settings.EMAIL_PORT
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = closed.getsockname()[1]
    sending.start(edition)
    wait = sending.send_for_a_while(edition.pk, seconds=5)
    assert wait >= 30
    assert Delivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 3
    assert "indisponible" in Edition.objects.get(pk=edition.pk).error

    settings.EMAIL_PORT = port
    assert sending.send_for_a_while(edition.pk, seconds=5) is None
    assert len(smtp_server.messages) == 3


def test_two_workers_never_claim_the_same_delivery_and_a_dead_ones_claims_are_taken_over(subscribe, edition):
    for n in range(10):
        subscribe(f"lecteur{n}@example.org")
    sending.start(edition)
    first = SendWorker.objects.create(id="ailleurs:1:a", host="ailleurs", pid=1)
    # A process of this machine that has ended: its pid is free.
    ended = subprocess.Popen(["true"])
    ended.wait()
    second = SendWorker.objects.create(id=f"{socket.gethostname()}:{ended.pid}:b", host=socket.gethostname(), pid=ended.pid)
    a = {row[0] for row in sending.claim(edition.pk, first, 4)}
    b = {row[0] for row in sending.claim(edition.pk, second, 4)}
    assert len(a) == len(b) == 4 and not a & b

    # The second died on this machine: its 4 go back, counted as maybe sent twice; the first is alive elsewhere.
    assert sending.take_over(edition.pk) == 4
    assert Edition.objects.get(pk=edition.pk).maybe_twice == 4
    assert Delivery.objects.filter(status=DeliveryStatus.SENDING, worker=first).count() == 4
    # Silent for longer than the claim timeout: taken over too.
    SendWorker.objects.filter(pk=first.pk).update(seen_at=timezone.now() - datetime.timedelta(hours=1))
    assert sending.take_over(edition.pk) == 4


def test_the_rate_limit_holds_across_batches(smtp_server, subscribe, edition, settings):
    settings.NEWSLETTER_RATE_LIMIT = "3/3600"
    for n in range(5):
        subscribe(f"lecteur{n}@example.org")
    sending.start(edition)
    wait = sending.send_for_a_while(edition.pk, seconds=1)
    assert len(smtp_server.messages) == 3 and wait > 60


def test_an_edition_is_sent_once_however_many_times_it_is_started(subscribe, edition):
    subscribe("alice@example.org")
    sending.start(edition)
    with pytest.raises(sending.CannotSend):
        sending.start(edition)
    assert Delivery.objects.count() == 1


def test_a_hostile_subject_adds_no_header(smtp_server, subscribe, edition):
    subscribe("alice@example.org")
    Edition.objects.filter(pk=edition.pk).update(subject="Titre\r\nBcc: victime@example.org\r\nX-Injecté: oui")
    send_all(Edition.objects.get(pk=edition.pk))
    message = smtp_server.messages[0]
    assert message["Bcc"] is None and message["X-Injecté"] is None
    assert message.envelope_to == ["alice@example.org"]
    assert "Bcc: victime@example.org" in message["Subject"]


def test_a_test_message_goes_to_the_editor_only(smtp_server, subscribe, edition):
    subscribe("alice@example.org")
    sending.send_test(edition, "redaction@example.org")
    assert [m.envelope_to for m in smtp_server.messages] == [["redaction@example.org"]]
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.DRAFT
    assert not Delivery.objects.exists()


def test_internationalised_domains_are_sent_in_their_ascii_form(smtp_server, subscribe, edition):
    subscribe("lea@société.example")
    send_all(edition)
    assert smtp_server.messages[0].envelope_to == ["lea@xn--socit-esab.example"]


def test_verp_names_the_delivery_when_a_bounce_address_is_set(smtp_server, subscribe, edition, settings):
    from manchette.newsletters import links

    settings.NEWSLETTER_BOUNCE_ADDRESS = "retours@manchette.example"
    subscribe("alice@example.org")
    send_all(edition)
    sender = smtp_server.messages[0].envelope_from
    assert sender.startswith("retours+d") and sender.endswith("@manchette.example")
    assert links.read_verp(sender) == Delivery.objects.get().pk
    assert links.read_verp(sender.replace("-", "-0", 1)) is None


def test_schedules_send_once_on_time_late_within_the_grace_period_and_never_after_it(newsletter, settings, smtp_server):
    from manchette.newsletters import schedule

    settings.NEWSLETTER_GRACE_MINUTES = 120
    Newsletter.objects.filter(pk=newsletter.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    newsletter.refresh_from_db()
    # 07:00 in Brussels is 06:00 UTC in winter, 05:00 UTC in summer.
    winter = datetime.datetime(2026, 12, 4, 6, 30, tzinfo=datetime.UTC)
    assert schedule.last_due(newsletter, winter) == datetime.datetime(2026, 12, 4, 6, 0, tzinfo=datetime.UTC)
    assert schedule.next_due(newsletter, winter) == datetime.datetime(2026, 12, 5, 6, 0, tzinfo=datetime.UTC)
    summer = datetime.datetime(2026, 7, 1, 4, 59, tzinfo=datetime.UTC)
    assert schedule.last_due(newsletter, summer) == datetime.datetime(2026, 6, 30, 5, 0, tzinfo=datetime.UTC)

    # Half an hour late: sent, once, however many times the schedule is looked at.
    started, skipped = schedule.run_due(winter)
    assert len(started) == 1 and not skipped
    assert schedule.run_due(winter) == ([], [])
    assert Edition.objects.filter(newsletter=newsletter).count() == 1

    # The next morning, found at 15:00: skipped and reported, not sent.
    afternoon = datetime.datetime(2026, 12, 5, 14, 0, tzinfo=datetime.UTC)
    started, skipped = schedule.run_due(afternoon)
    assert not started and len(skipped) == 1
    assert skipped[0].status == EditionStatus.SKIPPED or Edition.objects.get(pk=skipped[0].pk).status == EditionStatus.SKIPPED


def test_unconfirmed_signups_are_forgotten_once_their_link_expired(newsletter, settings):
    from manchette.newsletters import tasks
    from manchette.newsletters.models import Signup

    old = timezone.now() - datetime.timedelta(hours=settings.NEWSLETTER_CONFIRM_HOURS + 1)
    stranger = Subscriber.objects.create(email="inconnu@example.org", created_at=old)
    Signup.objects.create(subscriber=stranger, newsletter_ids=[newsletter.pk], created_at=old)
    waiting = Subscriber.objects.create(email="attend@example.org")
    Signup.objects.create(subscriber=waiting, newsletter_ids=[newsletter.pk])
    confirmed = Subscriber.objects.create(email="lecteur@example.org", created_at=old, confirmed_at=old)

    tasks.forget_unconfirmed()

    assert set(Subscriber.objects.values_list("pk", flat=True)) == {waiting.pk, confirmed.pk}
    assert Signup.objects.count() == 1


def test_an_article_withdrawn_after_the_send_is_gone_from_the_archive(smtp_server, subscribe, edition, client):
    from manchette.news.models import Article

    subscribe("alice@example.org")
    edition = send_all(edition)
    url = f"/newsletters/archives/{edition.newsletter.slug}/{edition.pk}/"
    assert "/pont-namur/" in client.get(url).content.decode()
    Article.objects.get(slug="pont-namur").unpublish()
    assert "/pont-namur/" not in client.get(url).content.decode()


def test_a_starting_worker_restarts_a_send_left_half_way_once_and_plans_one_tick(subscribe, edition, settings):
    from django_tasks_db.models import DBTaskResult

    from manchette.newsletters import tasks
    from manchette.periodic import jobs

    subscribe("alice@example.org")
    sending.start(edition)  # its tasks would have been enqueued at commit; as if their worker had died with them
    waiting = DBTaskResult.objects.filter(status="READY")
    assert not waiting.filter(task_path=tasks.send_edition.module_path).exists()

    jobs.wake()
    jobs.wake()

    assert waiting.filter(task_path=tasks.send_edition.module_path).count() == settings.NEWSLETTER_PARALLEL_SENDS
    assert waiting.filter(task_path=jobs.tick.module_path).count() == 1
