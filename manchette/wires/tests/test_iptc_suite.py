"""IPTC's own ninjs test suite, read where it is (../shared/reference/ninjs/test_suite/, beside the checkout), through
`manchette ingest`: every should_pass item that carries a headline and a text goes in, every other should_pass item
is refused naming what a dispatch lacks, every should_fail item is refused."""

import io

import pytest
from django.core.management import CommandError, call_command

from manchette.filinfo.models import Dispatch
from manchette.testing.reference import reference_dir
from manchette.wires.management.commands.ingest import read
from manchette.wires.models import WireItem
from manchette.wires.ninjs import NinjsError, parse

NNBSP = "\u202f"
SUITE = reference_dir() / "ninjs" / "test_suite"
SHOULD_PASS = sorted(SUITE.glob("*/should_pass/*.json"))
SHOULD_FAIL = sorted(SUITE.glob("*/should_fail/*.json"))
# The only should_pass items with both a headline and a text (all of 1.0, with associations).
DISPATCHES = {
    "1.0/should_pass/062_associations_empty.json": "062_associations_empty",
    "1.0/should_pass/063_associations_single.json": "062_associations_single",
    "1.0/should_pass/064_associations_multiple.json": "064_associations_multiple",
}
# What a refused should_pass item lacks: its headline, its text (1.x, then 2.x and 3.x), or, for a withdrawal
# with neither version nor date, anything telling whether it is newer than what was received.
LACKING = {"headline", "body_text", "headlines", "bodies", "version"}


def name(path):
    return path.relative_to(SUITE).as_posix()


def outcome(path):
    """The wire read from PATH as `manchette ingest` reads a file, or the NinjsError refusing it."""
    try:
        (item,) = read(path)
        return parse(item)
    except NinjsError as error:
        return error


def test_the_whole_suite_is_there():
    assert (len(SHOULD_PASS), len(SHOULD_FAIL)) == (158, 70), SUITE


def test_should_pass_items_with_a_headline_and_a_text_are_read():
    read_ones = {name(path): result for path in SHOULD_PASS if not isinstance(result := outcome(path), NinjsError)}
    assert {key: wire.uri for key, wire in read_ones.items()} == DISPATCHES
    for wire in read_ones.values():
        assert wire.standard == 1 and wire.version == "1" and wire.headline and wire.text


def test_other_should_pass_items_are_refused_naming_what_a_dispatch_lacks():
    for path in SHOULD_PASS:
        if name(path) in DISPATCHES:
            continue
        error = outcome(path)
        assert isinstance(error, NinjsError), name(path)
        assert error.field in LACKING and "manquant" in error.reason, (name(path), str(error))


def test_every_should_fail_item_is_refused():
    accepted = [name(path) for path in SHOULD_FAIL if not isinstance(outcome(path), NinjsError)]
    assert accepted == []


@pytest.mark.parametrize(
    ("item", "error"),
    [
        ("2.1/should_fail/001_bad_association.json", f"associations[0].incorrectproperty{NNBSP}: propriété inconnue de ninjs 2.x"),
        ("2.1/should_fail/002_good_association_but_no_name.json", f"associations[0].name{NNBSP}: champ obligatoire manquant"),
        ("2.1/should_fail/003_good_association_but_no_uri.json", f"associations[0].uri{NNBSP}: champ obligatoire manquant"),
        ("3.0/should_fail/002_bad_association.json", f"associations[0].name{NNBSP}: champ obligatoire manquant"),
        ("1.5/should_fail/002_bad_association.json", f"associations.first.incorrectproperty{NNBSP}: propriété inconnue de ninjs 1.x"),
        ("2.0/should_fail/001_bad_toplevel.json", f"random{NNBSP}: propriété inconnue de ninjs 2.x"),
        ("1.0/should_fail/007_pubstatus_cancelled.json", "pubstatus\u202f: valeur inconnue"),
        ("1.4/should_fail/003_bad_expires.json", "expires\u202f: date invalide"),
        ("3.0/should_fail/006_bad_urgency.json", "urgency\u202f: nombre entier de 1 à 9 attendu"),
    ],
)
def test_malformed_items_are_refused_for_what_is_wrong_with_them(item, error):
    assert str(outcome(SUITE / item)).startswith(error)


def ingest(*paths):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *map(str, paths), "--source", "psm", stdout=out, stderr=err)
    except CommandError as refused:
        return out.getvalue(), err.getvalue(), str(refused)
    return out.getvalue(), err.getvalue(), None


def test_manchette_ingest_takes_the_suite_in(agency):
    out, err, failure = ingest(*sorted({path.parent for path in SHOULD_PASS}))
    assert f"Fichiers reçus{NNBSP}: 3 sur 158." in out and f"Dépêches créées{NNBSP}: 3" in out
    assert failure == f"Fichiers refusés{NNBSP}: 155 sur 158."
    refusals = err.splitlines()
    assert len(refusals) == 155 and all("manquant" in line for line in refusals)
    assert sorted(Dispatch.objects.filter(live=True).values_list("wire__uri", flat=True)) == sorted(DISPATCHES.values())

    out, err, failure = ingest(*sorted({path.parent for path in SHOULD_FAIL}))
    assert f"Fichiers reçus{NNBSP}: 0 sur 70." in out and failure == f"Fichiers refusés{NNBSP}: 70 sur 70."
    assert len(err.splitlines()) == 70
    assert WireItem.objects.count() == 3
