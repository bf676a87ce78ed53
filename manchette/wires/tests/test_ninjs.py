"""Reading ninjs 1.x, 2.x and 3.x items into one record, and refusing bad ones with the field and the reason."""

import datetime

import pytest

from manchette.filinfo.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH
from manchette.wires.ninjs import NinjsError, html_to_text, loads, parse, shorten

from .conftest import sample

NNBSP = "\u202f"
UTC = datetime.UTC


def test_reads_ninjs_1x():
    wire = parse(sample("valid/1x_pont_namur.json"))
    assert wire.standard == 1
    assert wire.uri == "urn:psm:2025:pont-namur"
    assert wire.version == "1"
    assert wire.version_created == datetime.datetime(2025, 3, 18, 7, 2, tzinfo=UTC)
    assert wire.first_created == wire.version_created
    assert wire.pubstatus == "usable" and wire.usable
    assert wire.headline == "Le pont des Ardennes rouvre à la circulation après huit mois de travaux"
    # body_text is the agency's plain version: preferred to body_html.
    assert wire.text.startswith("Le pont des Ardennes, à Namur, a rouvert ce mardi matin")
    assert "Version HTML" not in wire.text
    assert (wire.byline, wire.located, wire.language, wire.urgency) == ("Rédaction PSM", "Namur", "fr", 4)
    assert not wire.important


def test_reads_ninjs_1x_without_standard_by_its_names():
    wire = parse(sample("valid/1x_sans_standard.json"))
    assert wire.standard == 1
    # Only body_html here: its markup becomes text, paragraph by paragraph.
    assert wire.text == (
        "Le marché dominical de la Batte, à Liège, gagne cent mètres de quai.\n\n"
        "Une quarantaine d’échoppes supplémentaires s’y installeront dès le mois d’avril."
    )


def test_reads_ninjs_2x():
    wire = parse(sample("valid/2x_greve_tec.json"))
    assert wire.standard == 2
    assert wire.version_created == datetime.datetime(2025, 3, 18, 9, 0, tzinfo=UTC)
    # The "main" headline, not the first one; the text/plain body, not the first one.
    assert wire.headline == "Grève surprise aux TEC : aucun bus ne circule à Charleroi"
    assert wire.text.startswith("Aucun bus ne circule ce mardi")
    assert wire.byline == "Rédaction PSM"
    assert wire.urgency == 2 and wire.important


def test_reads_ninjs_3x_camel_case():
    wire = parse(sample("valid/3x_orage_liege.json"))
    assert wire.standard == 3
    assert wire.version == "3"
    assert wire.version_created == datetime.datetime(2025, 3, 18, 16, 5, tzinfo=UTC)
    assert wire.first_created == datetime.datetime(2025, 3, 18, 15, 40, tzinfo=UTC)
    assert wire.headline == "Un violent orage inonde plusieurs rues du centre de Liège"
    assert wire.text == (
        "Des pluies diluviennes se sont abattues sur Liège en fin d’après-midi.\n\n"
        "Les pompiers sont intervenus à plus de quarante reprises."
    )


def test_tells_3x_from_its_names_without_standard():
    wire = parse(sample("valid/3x_sans_standard.json"))
    assert wire.standard == 3
    assert wire.uri == "https://psm.example/depeches/2025/festival-spa"


def test_reads_3x_embargo_and_lowercase_names_are_2x():
    item = sample("valid/3x_orage_liege.json")
    item["embargoedUntil"] = "2025-03-19T06:00:00+01:00"
    assert parse(item).embargoed == datetime.datetime(2025, 3, 19, 5, 0, tzinfo=UTC)
    item_2x = sample("valid/2x_greve_tec.json")
    item_2x["embargoed"] = "2025-03-19T06:00:00Z"
    assert parse(item_2x).embargoed == datetime.datetime(2025, 3, 19, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "field", "reason"),
    [
        ("sans_titre.json", "headlines", "champ obligatoire manquant"),
        ("titre_vide.json", "headline", "vide une fois le balisage retiré"),
        ("date_invalide.json", "versioncreated", "date invalide"),
        ("sans_fuseau.json", "versionCreated", "fuseau horaire manquant"),
        ("noms_melanges.json", "versioncreated", "ninjs 3.x"),
        ("version_inconnue.json", "standard.version", "non prise en charge"),
        ("sans_version.json", "version", "ni versioncreated, ni firstcreated"),
        ("urgence_hors_limites.json", "urgency", "de 1 à 9"),
        ("titres_pas_tableau.json", "headlines", "tableau attendu"),
        ("photo.json", "type", "seules les dépêches texte"),
        ("pas_un_objet.json", "", "objet JSON"),
    ],
)
def test_refuses_bad_samples_naming_field_and_reason(name, field, reason):
    with pytest.raises(NinjsError) as refused:
        parse(sample(f"invalid/{name}"))
    assert refused.value.field == field
    assert reason in refused.value.reason
    if field:
        assert str(refused.value).startswith(f"{field}{NNBSP}: ")


def base_item(**changes):
    item = {
        "standard": {"name": "ninjs", "version": "3.0"},
        "uri": "urn:psm:2025:essai", "version": "1", "versionCreated": "2025-03-18T10:00:00Z",
        "headlines": [{"value": "Un titre"}], "bodies": [{"value": "Un texte."}],
    }
    item.update(changes)
    return {key: value for key, value in item.items() if value is not None}


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"uri": None}, "uri", "champ obligatoire manquant"),
        ({"uri": 42}, "uri", "chaîne de caractères attendue"),
        ({"uri": ""}, "uri", "identifiant invalide"),
        ({"uri": "   "}, "uri", "identifiant invalide"),
        ({"uri": "urn:psm:a\x00b"}, "uri", "identifiant invalide"),
        ({"uri": "urn:" + "x" * 600}, "uri", "trop longue"),
        ({"version": True}, "version", "chaîne de caractères attendue"),
        ({"version": 1.5}, "version", "chaîne de caractères attendue"),
        ({"version": ""}, "version", "valeur invalide"),
        ({"version": "9" * 5000}, "version", "valeur invalide"),
        ({"versionCreated": None, "version": None}, "version", "ni versionCreated, ni firstCreated"),
        ({"versionCreated": 20250318}, "versionCreated", "date invalide"),
        ({"versionCreated": "0001-01-01T00:00:00+01:00"}, "versionCreated", "date hors limites"),
        ({"embargoedUntil": "9999-12-31T23:59:59Z"}, "embargoedUntil", "date hors limites"),
        ({"firstCreated": "1066-10-14T09:00:00Z"}, "firstCreated", "date hors limites"),
        ({"firstCreated": "demain"}, "firstCreated", "date invalide"),
        ({"pubStatus": "published"}, "pubStatus", "valeur inconnue"),
        ({"urgency": True}, "urgency", "de 1 à 9"),
        ({"urgency": 2.5}, "urgency", "de 1 à 9"),
        ({"urgency": 10**400}, "urgency", "de 1 à 9"),
        ({"headlines": [{"role": "main"}]}, "headlines[0].value", "chaîne de caractères attendue"),
        ({"headlines": ["Un titre"]}, "headlines[0]", "objet attendu"),
        ({"bodies": [{"value": "x", "contentType": ["text/html"]}]}, "bodies[0].contentType", "chaîne"),
        ({"bodies": [{"value": "   "}]}, "bodies", "vide une fois le balisage retiré"),
        ({"bodies": None}, "bodies", "champ obligatoire manquant"),
        ({"standard": "3.0"}, "standard", "objet attendu"),
        ({"standard": {"name": "NewsML-G2", "version": "2.30"}}, "standard.name", "seule la norme ninjs"),
        ({"standard": {"version": 3}}, "standard.version", "chaîne de caractères attendue"),
        ({"headline": "Un titre en 1.x"}, "headline", "propriété de ninjs 1.x"),
        ({"language": {"code": "fr"}}, "language", "chaîne de caractères attendue"),
    ],
)
def test_refuses_malformed_items(changes, field, reason):
    with pytest.raises(NinjsError) as refused:
        parse(base_item(**changes))
    assert (refused.value.field, reason in refused.value.reason) == (field, True), refused.value


def test_mixed_names_in_a_2x_item_are_refused_with_the_right_spelling():
    item = sample("valid/2x_greve_tec.json")
    item["pubStatus"] = "usable"
    with pytest.raises(NinjsError) as refused:
        parse(item)
    assert refused.value.field == "pubStatus"
    assert "pubstatus" in refused.value.reason


def test_version_may_be_a_number_and_standard_may_be_given_by_its_schema():
    wire = parse(base_item(version=7, standard={"schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json#"}))
    assert (wire.version, wire.standard) == ("7", 3)


def test_a_cancellation_needs_no_headline_nor_body():
    wire = parse(base_item(pubStatus="canceled", headlines=None, bodies=None))
    assert wire.pubstatus == "canceled" and not wire.usable
    assert (wire.headline, wire.text) == ("", "")


def test_markup_is_turned_into_plain_text():
    wire = parse(sample("valid/html_piege.json"))
    assert wire.headline == "Conseil communal : le budget & les travaux"
    assert wire.text == "Le conseil a voté le budget.\n\nLes travaux débuteront en mai ."
    for trace in ("<", ">", "alert", "script", "cadre", "color", "onclick", "onerror"):
        assert trace not in wire.headline + wire.text


def test_markup_hidden_in_entities_is_removed_too():
    assert html_to_text("&lt;script&gt;alert(1)&lt;/script&gt;Texte &lt;b onclick=x&gt;gras&lt;/b&gt;") == "Texte gras"
    # Comparisons in plain text are not markup.
    assert html_to_text("5 < 6 et 7 > 3") == "5 < 6 et 7 > 3"


def test_control_characters_and_lone_surrogates_are_dropped():
    wire = parse(base_item(headlines=[{"value": "Titre\x00 avec\ud800 des\x1b pièges"}], bodies=[{"value": "Texte\x07 \ufeffpropre."}]))
    assert wire.headline == "Titre avec des pièges"
    assert wire.text == "Texte propre."
    wire.headline.encode("utf-8")


def test_long_headline_is_shortened_at_a_word():
    words = "Le conseil communal de Namur adopte enfin son budget après des mois de débats " * 5
    wire = parse(base_item(headlines=[{"value": words}]))
    assert len(wire.headline) <= TITLE_MAX_LENGTH
    assert wire.headline.endswith("…")
    kept = wire.headline[:-1]
    assert words.startswith(kept) and words[len(kept)] == " "


def test_long_text_is_shortened_at_a_sentence_when_one_is_near():
    sentence = "La commune annonce de nouveaux travaux de voirie dans le centre-ville. "
    wire = parse(base_item(bodies=[{"value": sentence * 40}]))
    assert len(wire.text) <= TEXT_MAX_LENGTH
    assert wire.text.endswith("centre-ville.")
    assert len(wire.text) > TEXT_MAX_LENGTH * 2 // 3


def test_shorten_leaves_short_text_alone_and_cuts_a_single_huge_word():
    assert shorten("Court.", 200) == "Court."
    cut = shorten("x" * 500, 200)
    assert len(cut) == 200 and cut.endswith("…")


@pytest.mark.parametrize(
    "raw",
    [b"{", b"NaN", b'{"urgency": Infinity}', b"\xff\xfe\xfa", b"[" * 100_000, b"1" * 5000, b""],
)
def test_loads_refuses_what_is_not_json_with_a_french_reason(raw):
    with pytest.raises(NinjsError) as refused:
        loads(raw)
    assert refused.value.reason.startswith("JSON invalide")


def test_version_is_optional_when_a_date_orders_the_versions():
    wire = parse(base_item(version=None))
    assert (wire.version, wire.dated) == ("", datetime.datetime(2025, 3, 18, 10, 0, tzinfo=UTC))
    wire = parse(base_item(version=None, versionCreated=None, firstCreated="2025-03-18T08:00:00Z"))
    assert (wire.version_created, wire.dated) == (None, datetime.datetime(2025, 3, 18, 8, 0, tzinfo=UTC))


def test_any_identifier_is_a_uri():
    assert parse(base_item(uri="001_simplest_file")).uri == "001_simplest_file"


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"random": "x"}, "random", "propriété inconnue de ninjs 3.x"),
        ({"associations": [{"uri": "urn:psm:photo"}]}, "associations[0].name", "champ obligatoire manquant"),
        ({"associations": [{"name": "photo"}]}, "associations[0].uri", "champ obligatoire manquant"),
        ({"associations": [{"name": "photo", "uri": "urn:psm:photo", "autre": 1}]}, "associations[0].autre", "propriété inconnue"),
        ({"associations": {"photo": {"uri": "urn:psm:photo"}}}, "associations", "tableau attendu"),
        ({"type": "event", "headlines": None, "bodies": None}, "headlines", "champ obligatoire manquant (le titre de la dépêche)"),
        ({"representationType": "complete"}, "representationType", "valeur inconnue"),
    ],
)
def test_refuses_what_iptc_schemas_refuse(changes, field, reason):
    with pytest.raises(NinjsError) as refused:
        parse(base_item(**changes))
    assert (refused.value.field, reason in refused.value.reason) == (field, True), refused.value


def test_well_formed_associations_are_taken():
    association = {"name": "photo", "uri": "urn:psm:photo", "rel": "illustration", "type": "picture"}
    assert parse(base_item(associations=[association])).headline == "Un titre"
