"""Big sendings: capped per request, and written item by item so that they never block other writers."""

import json
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test import Client

from manchette.filinfo.models import Dispatch, FeedEntry
from manchette.wires import ingest as wires_ingest
from manchette.wires.ingest import CREATED, REJECTED, ingest, ingest_all
from manchette.wires.models import WireItem

from .conftest import sample

URL = "/api/depeches/"
# The other writer gives up after this long (SQLite's busy timeout, PostgreSQL's lock_timeout); the project's
# own is 20 s, which a batch written in one transaction made it reach.
WRITER_TIMEOUT = 3


def item(number):
    return {
        "uri": f"urn:psm:lot:{number}", "version": "1", "versionCreated": "2025-03-18T10:00:00Z",
        "headlines": [{"value": f"Dépêche du lot n° {number}"}], "bodies": [{"value": "Une phrase de texte."}],
    }


def post(client, token, payload):
    return client.post(URL, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_sending_over_the_item_limit_is_413_and_saves_nothing(client, agency, settings):
    token = agency.generate_token()
    settings.WIRES_MAX_ITEMS = 3
    response = post(client, token, [item(number) for number in range(4)])
    assert response.status_code == 413
    assert response.json() == {
        "erreur": "Trop de dépêches dans l’envoi\u202f: au plus 3 par envoi.", "champ": None, "maximum": 3,
    }
    assert not WireItem.objects.exists() and not Dispatch.objects.exists() and not FeedEntry.objects.exists()
    assert post(client, token, [item(number) for number in range(3)]).status_code == 201
    assert WireItem.objects.count() == 3


def test_the_default_limit_is_500_items(client, agency):
    token = agency.generate_token()
    # Refused on the count alone, before any item is read: these are not even valid.
    response = post(client, token, [{}] * 501)
    assert response.status_code == 413 and "au plus 500 par envoi" in response.json()["erreur"]
    response = post(client, token, [{}] * 500)
    assert response.status_code == 400 and response.json()["element"] == 0


def test_an_item_another_source_claims_during_the_batch_is_refused_alone(agency, cautious_agency, monkeypatch):
    ingest(agency, sample("valid/2x_greve_tec.json"))
    # As if the other source's wire had arrived after the batch was checked.
    monkeypatch.setattr(wires_ingest, "claimed_elsewhere", lambda source, uris: set())
    outcomes = ingest_all(cautious_agency, [item(1), sample("updates/greve_tec_v2.json"), item(2)])
    assert [outcome.status for outcome in outcomes] == [CREATED, REJECTED, CREATED]
    assert outcomes[1].as_json() == {
        "uri": "urn:psm:2025:greve-tec", "version": "2", "resultat": "refusee",
        "erreur": "uri\u202f: déjà reçue d’une autre source", "champ": "uri",
    }
    assert WireItem.objects.filter(source=cautious_agency).count() == 2


def test_a_database_that_gives_up_mid_sending_is_503_and_resending_is_safe(agency, monkeypatch):
    """SQLite's busy timeout (or a lost connection) after earlier slices were committed: a 503 saying so, never a
    500, and the same sending again stores the rest without changing what was stored."""
    token = agency.generate_token()
    monkeypatch.setattr(wires_ingest.Turns, "SLICE", 0)
    monkeypatch.setattr(wires_ingest.Turns, "SQLITE_SLICE", 0)  # one item a slice: each committed on its own

    def locked(sender, instance, **kwargs):
        if instance.uri == "urn:psm:lot:2":
            raise OperationalError("database is locked")

    sending = [item(number) for number in range(4)]
    pre_save.connect(locked, sender=WireItem)
    try:
        response = post(Client(raise_request_exception=False), token, sending)
    finally:
        pre_save.disconnect(locked, sender=WireItem)
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "30"
    assert "une partie des dépêches peut l’avoir été" in response.json()["erreur"]
    assert "Renvoyez l’envoi entier" in response.json()["erreur"]
    assert sorted(WireItem.objects.values_list("uri", flat=True)) == ["urn:psm:lot:0", "urn:psm:lot:1"]
    again = post(Client(), token, sending)
    assert again.status_code == 201
    assert [result["resultat"] for result in again.json()["resultats"]] == ["inchangee", "inchangee", "creee", "creee"]
    assert WireItem.objects.count() == 4 and Dispatch.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_another_writer_gets_through_while_a_big_batch_is_written(agency, own_redis):
    """The newsroom publishes a dispatch once an agency's batch of 250 is under way: it must not wait
    for the whole batch (a batch written in one transaction held SQLite's write lock, or on PostgreSQL the
    live log's lock, until its end: the publication then failed once its timeout ran out)."""
    items = [item(number) for number in range(250)]
    batch, newsroom = {}, {}

    def agency_sends():
        try:
            started = time.monotonic()
            batch["outcomes"] = ingest_all(agency, items)
            batch["seconds"] = time.monotonic() - started
        finally:
            connection.close()

    def newsroom_publishes():
        try:
            if connection.vendor == "sqlite":
                connection.ensure_connection()
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA busy_timeout={WRITER_TIMEOUT * 1000}")
            started = time.monotonic()
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL lock_timeout = '{WRITER_TIMEOUT}s'")
                dispatch = Dispatch.objects.create(title="Écrite par la rédaction", text="Pendant le lot.", live=False)
                dispatch.save_revision().publish()
            newsroom["seconds"] = time.monotonic() - started
            # What of the batch was in when the newsroom's write went through: not all of it.
            newsroom["items_in"] = WireItem.objects.count()
        except Exception as error:  # "database is locked", or PostgreSQL's lock timeout
            newsroom["error"] = f"{type(error).__name__}: {error} after {time.monotonic() - started:.1f} s"
        finally:
            connection.close()

    written, under_way = [], threading.Event()

    def count(**kwargs):
        # Sent by the batch's thread as it writes (in its transaction, committed or not).
        written.append(1)
        if len(written) == 20:
            under_way.set()

    post_save.connect(count, sender=WireItem, dispatch_uid="test-batch-under-way")
    try:
        sender = threading.Thread(target=agency_sends)
        sender.start()
        assert under_way.wait(30), "the batch did not start"
        writer = threading.Thread(target=newsroom_publishes)
        writer.start()
        writer.join(WRITER_TIMEOUT + 30)
        sender.join(120)
    finally:
        post_save.disconnect(sender=WireItem, dispatch_uid="test-batch-under-way")
    assert "error" not in newsroom, newsroom["error"]
    assert newsroom["seconds"] < WRITER_TIMEOUT and 0 < newsroom["items_in"] < len(items), (newsroom, batch.get("seconds"))
    assert [outcome.status for outcome in batch["outcomes"]] == [CREATED] * len(items)
    assert FeedEntry.objects.count() == len(items) + 1
