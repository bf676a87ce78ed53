"""Ingest outcomes: once per version, newer corrects, older is ignored, canceled withdraws; publish or wait."""

import datetime
import json
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from manchette.filinfo.models import Dispatch, FeedEntry
from manchette.live.models import Event
from manchette.wires.ingest import (
    CREATED,
    HELD,
    IGNORED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    WITHDRAWN,
    BatchError,
    ingest,
    ingest_all,
)
from manchette.wires.models import WireItem, WireSource

from .conftest import sample

GREVE = "urn:psm:2025:greve-tec"


def fresh(dispatch):
    return Dispatch.objects.get(pk=dispatch.pk)


def entry_for(dispatch):
    return FeedEntry.objects.filter(dispatch=dispatch).first()


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("valid/1x_pont_namur.json", "Le pont des Ardennes rouvre à la circulation après huit mois de travaux"),
        ("valid/2x_greve_tec.json", "Grève surprise aux TEC : aucun bus ne circule à Charleroi"),
        ("valid/3x_orage_liege.json", "Un violent orage inonde plusieurs rues du centre de Liège"),
    ],
)
def test_each_version_is_published_at_once_for_a_trusted_agency(agency, name, title):
    outcome = ingest(agency, sample(name))
    assert outcome.status == CREATED
    dispatch = fresh(outcome.dispatch)
    assert dispatch.live and not dispatch.has_unpublished_changes
    assert (dispatch.title, dispatch.source) == (title, "Presse Sambre-et-Meuse")
    entry = entry_for(dispatch)
    assert entry is not None and (entry.title, entry.text) == (dispatch.title, dispatch.text)
    assert Event.objects.filter(key=entry.key, action="upsert").count() == 1
    assert WireItem.objects.get(uri=outcome.uri).dispatch == dispatch


def test_urgent_wire_goes_to_la_une(agency):
    dispatch = ingest(agency, sample("valid/2x_greve_tec.json")).dispatch
    assert dispatch.important and entry_for(dispatch).important


def test_a_cautious_agency_leaves_a_draft_for_an_editor(cautious_agency):
    outcome = ingest(cautious_agency, sample("valid/2x_greve_tec.json"))
    assert outcome.status == CREATED
    dispatch = fresh(outcome.dispatch)
    assert not dispatch.live and dispatch.has_unpublished_changes
    assert dispatch.latest_revision is not None
    assert entry_for(dispatch) is None and not Event.objects.exists()
    # An editor publishes it the Wagtail way; it then reaches the feed.
    fresh(dispatch).latest_revision.publish()
    assert entry_for(dispatch).title == "Grève surprise aux TEC : aucun bus ne circule à Charleroi"


def test_a_resend_changes_nothing(agency):
    first = ingest(agency, sample("valid/2x_greve_tec.json"))
    revisions = first.dispatch.revisions.count()
    events = Event.objects.count()
    again = ingest(agency, sample("updates/greve_tec_v1_renvoi.json"))
    assert again.status == UNCHANGED
    assert again.dispatch.pk == first.dispatch.pk
    assert Dispatch.objects.count() == 1 and WireItem.objects.count() == 1
    assert fresh(first.dispatch).revisions.count() == revisions
    assert Event.objects.count() == events


def test_a_newer_version_corrects_the_published_dispatch_and_open_pages(agency):
    dispatch = ingest(agency, sample("valid/2x_greve_tec.json")).dispatch
    published_at = entry_for(dispatch).published_at
    outcome = ingest(agency, sample("updates/greve_tec_v2.json"))
    assert outcome.status == UPDATED
    corrected = fresh(dispatch)
    assert corrected.live and corrected.title == "Grève aux TEC : les bus reprennent progressivement à Charleroi"
    assert not corrected.important
    entry = entry_for(corrected)
    assert entry.title == corrected.title and not entry.important
    # Keeps its place in the feed, and the correction is pushed to open pages.
    assert entry.published_at == published_at
    last = Event.objects.last()
    assert last.action == "upsert" and "les bus reprennent" in json.loads(last.data)["block"]
    item = WireItem.objects.get(uri=GREVE)
    assert (item.version, item.pubstatus) == ("2", WireItem.USABLE)


def test_an_older_version_is_ignored(agency):
    ingest(agency, sample("valid/3x_orage_liege.json"))
    outcome = ingest(agency, sample("updates/orage_liege_v2_tardive.json"))
    assert outcome.status == IGNORED
    dispatch = fresh(outcome.dispatch)
    assert dispatch.title == "Un violent orage inonde plusieurs rues du centre de Liège"
    assert WireItem.objects.get(uri="urn:psm:2025:orage-liege").version == "3"


def test_versions_are_compared_as_numbers_then_by_date(agency):
    item = sample("valid/3x_sans_standard.json")
    ingest(agency, {**item, "version": "9"})
    assert ingest(agency, {**item, "version": "10", "headlines": [{"value": "Dixième version"}]}).status == UPDATED
    assert ingest(agency, {**item, "version": "9"}).status == IGNORED
    later = {**item, "version": "10", "versionCreated": "2025-03-18T12:00:00+01:00", "headlines": [{"value": "Même numéro, plus récente"}]}
    assert ingest(agency, later).status == UPDATED
    assert Dispatch.objects.get().title == "Même numéro, plus récente"


@pytest.mark.parametrize("date", ["versionCreated", "firstCreated"])
def test_without_version_the_date_orders_the_versions(agency, date):
    # IPTC's own 3.0 example has no version: versionCreated orders, else firstCreated.
    item = {key: value for key, value in sample("valid/3x_sans_standard.json").items() if key not in ("version", "versionCreated", "firstCreated")}
    first = {**item, date: "2025-03-18T10:00:00Z"}
    assert ingest(agency, first).status == CREATED
    assert ingest(agency, first).status == UNCHANGED
    assert ingest(agency, {**first, date: "2025-03-18T09:00:00Z", "headlines": [{"value": "Plus ancienne"}]}).status == IGNORED
    assert ingest(agency, {**first, date: "2025-03-18T11:00:00Z", "headlines": [{"value": "Corrigée"}]}).status == UPDATED
    assert Dispatch.objects.get().title == "Corrigée"
    stored = WireItem.objects.get()
    assert (stored.version, stored.version_created) == ("", datetime.datetime(2025, 3, 18, 11, 0, tzinfo=datetime.UTC))


def test_a_cancellation_withdraws_the_dispatch_from_the_feed(agency):
    dispatch = ingest(agency, sample("valid/2x_greve_tec.json")).dispatch
    key = entry_for(dispatch).key
    outcome = ingest(agency, sample("updates/greve_tec_v3_annulee.json"))
    assert outcome.status == WITHDRAWN
    withdrawn = fresh(dispatch)
    assert not withdrawn.live
    # Not left looking like a draft awaiting an editor.
    assert not withdrawn.has_unpublished_changes
    assert entry_for(withdrawn) is None
    assert Event.objects.last().action == "remove" and Event.objects.last().key == key
    assert WireItem.objects.get(uri=GREVE).pubstatus == WireItem.CANCELED
    # The cancellation again, or an older version, changes nothing.
    assert ingest(agency, sample("updates/greve_tec_v3_annulee.json")).status == UNCHANGED
    assert ingest(agency, sample("updates/greve_tec_v2.json")).status == IGNORED
    assert not fresh(dispatch).live


def test_a_cancellation_of_a_draft_takes_it_off_the_editors_desk(cautious_agency):
    dispatch = ingest(cautious_agency, sample("valid/2x_greve_tec.json")).dispatch
    assert ingest(cautious_agency, sample("updates/greve_tec_v3_annulee.json")).status == WITHDRAWN
    withdrawn = fresh(dispatch)
    assert not withdrawn.live and not withdrawn.has_unpublished_changes


def test_a_cancellation_arriving_first_keeps_older_versions_out(agency):
    assert ingest(agency, sample("updates/greve_tec_v3_annulee.json")).status == WITHDRAWN
    assert not Dispatch.objects.exists()
    assert ingest(agency, sample("valid/2x_greve_tec.json")).status == IGNORED
    assert not Dispatch.objects.exists()


def test_a_usable_version_after_a_cancellation_comes_back(agency):
    ingest(agency, sample("valid/2x_greve_tec.json"))
    ingest(agency, sample("updates/greve_tec_v3_annulee.json"))
    comeback = {**sample("updates/greve_tec_v2.json"), "version": "4", "versioncreated": "2025-03-18T13:00:00+01:00"}
    outcome = ingest(agency, comeback)
    assert outcome.status == UPDATED and fresh(outcome.dispatch).live
    assert entry_for(outcome.dispatch) is not None


def test_a_newer_version_of_a_draft_updates_the_draft_only(cautious_agency):
    dispatch = ingest(cautious_agency, sample("valid/2x_greve_tec.json")).dispatch
    outcome = ingest(cautious_agency, sample("updates/greve_tec_v2.json"))
    assert outcome.status == UPDATED
    draft = fresh(dispatch)
    assert not draft.live and draft.has_unpublished_changes
    assert draft.title == "Grève aux TEC : les bus reprennent progressivement à Charleroi"
    assert draft.latest_revision.as_object().title == draft.title
    assert entry_for(draft) is None


def test_a_correction_of_an_approved_wire_is_republished(cautious_agency):
    dispatch = ingest(cautious_agency, sample("valid/2x_greve_tec.json")).dispatch
    fresh(dispatch).latest_revision.publish()
    ingest(cautious_agency, sample("updates/greve_tec_v2.json"))
    corrected = fresh(dispatch)
    assert corrected.live and entry_for(corrected).title.startswith("Grève aux TEC : les bus reprennent")


def test_a_dispatch_an_editor_took_down_stays_down(agency):
    dispatch = ingest(agency, sample("valid/2x_greve_tec.json")).dispatch
    fresh(dispatch).unpublish()
    assert ingest(agency, sample("updates/greve_tec_v2.json")).status == UPDATED
    taken_down = fresh(dispatch)
    assert not taken_down.live and entry_for(taken_down) is None
    assert taken_down.latest_revision.as_object().title.startswith("Grève aux TEC : les bus reprennent")


def test_a_correction_of_a_dispatch_an_editor_has_locked_waits_for_the_editor(agency, django_user_model):
    dispatch = ingest(agency, sample("valid/2x_greve_tec.json")).dispatch
    editor = django_user_model.objects.create_user("editrice-verrou")
    live_title = fresh(dispatch).title
    Dispatch.objects.filter(pk=dispatch.pk).update(locked=True, locked_by=editor, locked_at=timezone.now())
    outcome = ingest(agency, sample("updates/greve_tec_v2.json"))
    assert outcome.status == HELD and outcome.as_json()["resultat"] == "en_attente"
    held = fresh(dispatch)
    # Readers still see the version the editor is working on; the agency's waits in the history.
    assert held.live and held.title == live_title and entry_for(held).title == live_title
    assert held.has_unpublished_changes and held.locked
    assert held.latest_revision.as_object().title.startswith("Grève aux TEC : les bus reprennent")
    assert WireItem.objects.get(uri=GREVE).version == "2"
    # Once the editor lets go, the next version is published as usual.
    Dispatch.objects.filter(pk=dispatch.pk).update(locked=False, locked_by=None, locked_at=None)
    newer = {
        **sample("updates/greve_tec_v2.json"), "version": "3",
        "headlines": [{"role": "main", "value": "Grève aux TEC : service normal demain"}],
    }
    assert ingest(agency, newer).status == UPDATED
    assert entry_for(fresh(dispatch)).title == "Grève aux TEC : service normal demain"


def test_an_agency_cancellation_withdraws_even_a_locked_dispatch(agency, django_user_model):
    dispatch = ingest(agency, sample("valid/2x_greve_tec.json")).dispatch
    editor = django_user_model.objects.create_user("editeur-verrou")
    Dispatch.objects.filter(pk=dispatch.pk).update(locked=True, locked_by=editor, locked_at=timezone.now())
    assert ingest(agency, sample("updates/greve_tec_v3_annulee.json")).status == WITHDRAWN
    assert not fresh(dispatch).live and entry_for(fresh(dispatch)) is None


def test_an_embargoed_wire_is_scheduled_not_shown(agency):
    later = timezone.now() + datetime.timedelta(hours=3)
    item = {**sample("valid/3x_orage_liege.json"), "embargoedUntil": later.isoformat()}
    outcome = ingest(agency, item)
    dispatch = fresh(outcome.dispatch)
    assert outcome.status == CREATED and not dispatch.live
    assert dispatch.scheduled_revision is not None
    assert abs(dispatch.scheduled_revision.approved_go_live_at - later) < datetime.timedelta(seconds=1)
    assert entry_for(dispatch) is None
    assert outcome.as_json()["programmee"]
    # Canceled before the embargo ends: nothing is left to go live.
    ingest(agency, {**item, "version": "4", "pubStatus": "canceled"})
    assert fresh(dispatch).scheduled_revision is None


def test_a_past_embargo_is_no_embargo(agency):
    item = {**sample("valid/3x_orage_liege.json"), "embargoedUntil": "2025-01-01T00:00:00Z"}
    assert fresh(ingest(agency, item).dispatch).live


def test_another_source_cannot_touch_an_agencys_wire(agency, cautious_agency):
    dispatch = ingest(agency, sample("valid/2x_greve_tec.json")).dispatch
    outcome = ingest(cautious_agency, sample("updates/greve_tec_v3_annulee.json"))
    assert outcome.status == REJECTED and outcome.error.field == "uri"
    assert fresh(dispatch).live


def test_a_bad_item_is_rejected_with_its_reason_and_nothing_saved(agency):
    outcome = ingest(agency, sample("invalid/sans_titre.json"))
    assert outcome.status == REJECTED
    assert outcome.uri == "urn:psm:2025:sans-titre"
    assert outcome.error.field == "headlines"
    assert not WireItem.objects.exists() and not Dispatch.objects.exists()


def test_a_batch_is_taken_whole_or_not_at_all(agency):
    with pytest.raises(BatchError) as refused:
        ingest_all(agency, sample("invalid/liste_avec_erreur.json"))
    assert refused.value.index == 1 and refused.value.error.field == "headline"
    assert not WireItem.objects.exists() and not Dispatch.objects.exists() and not FeedEntry.objects.exists()


def test_a_batch_refused_while_saving_leaves_nothing_either(agency, cautious_agency):
    ingest(agency, sample("valid/2x_greve_tec.json"))
    batch = [*sample("valid/liste_deux_depeches.json"), sample("updates/greve_tec_v2.json")]
    # The third item belongs to another source: found out before anything is written.
    with pytest.raises(BatchError) as refused:
        ingest_all(cautious_agency, batch)
    assert refused.value.index == 2 and refused.value.error.field == "uri"
    assert WireItem.objects.count() == 1 and Dispatch.objects.count() == 1
    assert set(FeedEntry.objects.values_list("title", flat=True)) == {"Grève surprise aux TEC : aucun bus ne circule à Charleroi"}


def test_two_versions_in_one_batch_end_with_the_newest(agency):
    outcomes = ingest_all(agency, [sample("updates/greve_tec_v2.json"), sample("valid/2x_greve_tec.json")])
    assert [outcome.status for outcome in outcomes] == [CREATED, IGNORED]
    assert Dispatch.objects.get().title.startswith("Grève aux TEC : les bus reprennent")


def test_a_dispatch_deleted_by_an_editor_is_recreated_by_a_newer_version(agency):
    ingest(agency, sample("valid/2x_greve_tec.json")).dispatch.delete()
    assert WireItem.objects.get(uri=GREVE).dispatch is None
    outcome = ingest(agency, sample("updates/greve_tec_v2.json"))
    assert outcome.status == CREATED and fresh(outcome.dispatch).live


def test_a_long_source_name_fits_the_dispatch(db):
    source = WireSource.objects.create(name="N" * 100, slug="long", publish_immediately=True)
    assert fresh(ingest(source, sample("valid/3x_orage_liege.json")).dispatch).source == "N" * 100


@pytest.mark.django_db(transaction=True)
def test_an_ingest_that_loses_the_race_for_a_new_uri_sees_the_winner(agency, own_redis):
    item = sample("valid/2x_greve_tec.json")
    claimed, release, outcomes = threading.Event(), threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                outcomes["first"] = ingest(agency, item).status
                claimed.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            outcomes["second"] = ingest(agency, item).status
        finally:
            connection.close()

    winner = threading.Thread(target=first)
    winner.start()
    assert claimed.wait(10)
    loser = threading.Thread(target=second)
    loser.start()
    # The second one now waits on the first one's uncommitted claim of the uri (a row lock, or SQLite's write lock).
    time.sleep(0.5)
    release.set()
    winner.join(10)
    loser.join(30)
    assert outcomes == {"first": CREATED, "second": UNCHANGED}
    assert Dispatch.objects.count() == 1 and FeedEntry.objects.count() == 1 and WireItem.objects.count() == 1
