"""manchette ingest PATH…: folders and files, a summary in French, bad files reported and skipped."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from manchette.filinfo.models import Dispatch, FeedEntry
from manchette.wires.models import WireItem, WireSource

from .conftest import SAMPLES

NNBSP = "\u202f"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


def test_a_folder_of_valid_wires_goes_in(agency):
    out, err, failure = run(SAMPLES / "valid", "--source", "psm")
    assert failure is None and err == ""
    # Seven files, eight wires (one file holds a list).
    assert Dispatch.objects.filter(live=True).count() == 8
    assert FeedEntry.objects.count() == 8
    assert f"Fichiers reçus{NNBSP}: 7 sur 7." in out
    assert f"Dépêches créées{NNBSP}: 8" in out


def test_updates_resends_older_versions_and_cancellations_are_summed_up(agency, tmp_path):
    run(SAMPLES / "valid" / "2x_greve_tec.json", SAMPLES / "valid" / "3x_orage_liege.json", "--source", "psm")
    out, _err, failure = run(SAMPLES / "updates", "--source", "psm")
    assert failure is None
    # Sorted by name: the resend of v1, v2, the cancellation (v3), then the late v2 of the storm.
    for line in ("mises à jour", "inchangées (déjà reçues)", "ignorées (version plus ancienne)", "retirées (annulées par l’agence)"):
        assert f"Dépêches {line}{NNBSP}: 1" in out
    assert not Dispatch.objects.get(wire__uri="urn:psm:2025:greve-tec").live
    assert FeedEntry.objects.count() == 1


def test_a_bad_file_is_reported_and_the_others_still_go_in(agency, tmp_path):
    for name in ("valid/1x_pont_namur.json", "invalid/sans_titre.json", "valid/3x_orage_liege.json", "invalid/json_casse.json"):
        target = tmp_path / name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(SAMPLES / name, target)
    out, err, failure = run(tmp_path, "--source", "psm")
    assert failure == f"Fichiers refusés{NNBSP}: 2 sur 4."
    assert f"{tmp_path / 'invalid' / 'sans_titre.json'}{NNBSP}: dépêche n° 1{NNBSP}: headlines{NNBSP}: champ obligatoire manquant" in err
    assert f"{tmp_path / 'invalid' / 'json_casse.json'}{NNBSP}: JSON invalide (ligne 1, colonne" in err
    assert set(Dispatch.objects.values_list("wire__uri", flat=True)) == {"urn:psm:2025:pont-namur", "urn:psm:2025:orage-liege"}
    assert f"Fichiers reçus{NNBSP}: 2 sur 4." in out


def test_a_file_with_one_bad_wire_in_a_list_leaves_nothing(agency):
    _out, err, failure = run(SAMPLES / "invalid" / "liste_avec_erreur.json", "--source", "psm")
    assert failure is not None
    assert f"dépêche n° 2{NNBSP}: headline{NNBSP}: champ obligatoire manquant" in err
    assert not WireItem.objects.exists() and not Dispatch.objects.exists()


def test_a_missing_path_is_reported(agency, tmp_path):
    _out, err, failure = run(tmp_path / "absent.json", "--source", "psm")
    assert failure is not None and "introuvable" in err


def test_without_source_a_cautious_import_source_is_created(db):
    _out, _err, failure = run(SAMPLES / "valid" / "2x_greve_tec.json")
    assert failure is None
    source = WireSource.objects.get(slug="import")
    assert not source.publish_immediately and not source.has_usable_token
    dispatch = Dispatch.objects.get()
    assert not dispatch.live and dispatch.has_unpublished_changes and dispatch.source == source.name


def test_an_unknown_or_inactive_source_is_refused(agency):
    with pytest.raises(CommandError, match="Source inconnue"):
        call_command("ingest", str(SAMPLES / "valid"), "--source", "inconnue", stdout=io.StringIO())
    WireSource.objects.filter(pk=agency.pk).update(active=False)
    with pytest.raises(CommandError, match="désactivée"):
        call_command("ingest", str(SAMPLES / "valid"), "--source", "psm", stdout=io.StringIO())
    assert not Dispatch.objects.exists()
