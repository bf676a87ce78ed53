"""The agencies' endpoint (POST /api/depeches/) and the fil info in ninjs (/fil-info/ninjs.json)."""

import datetime
import json

import pytest
from django.utils import timezone

from manchette.filinfo.models import Dispatch, FeedEntry
from manchette.wires.models import WireItem
from manchette.wires.ninjs import parse

from .conftest import sample

URL = "/api/depeches/"


@pytest.fixture
def token(agency):
    return agency.generate_token()


def post(client, payload, token=None, raw=None, **headers):
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    body = raw if raw is not None else json.dumps(payload)
    return client.post(URL, body, content_type="application/json", **headers)


def test_one_wire_is_created_and_published(client, token):
    response = post(client, sample("valid/2x_greve_tec.json"), token)
    assert response.status_code == 201
    [result] = response.json()["resultats"]
    dispatch = Dispatch.objects.get()
    assert result == {"uri": "urn:psm:2025:greve-tec", "version": "1", "resultat": "creee", "depeche": dispatch.pk, "publiee": True}
    assert FeedEntry.objects.filter(dispatch=dispatch).exists()


def test_a_list_answers_each_item(client, token):
    post(client, sample("valid/2x_greve_tec.json"), token)
    batch = [sample("updates/greve_tec_v1_renvoi.json"), *sample("valid/liste_deux_depeches.json")]
    response = post(client, batch, token)
    assert response.status_code == 201
    assert [r["resultat"] for r in response.json()["resultats"]] == ["inchangee", "creee", "creee"]


def test_nothing_new_answers_200(client, token):
    post(client, sample("valid/2x_greve_tec.json"), token)
    response = post(client, [sample("updates/greve_tec_v2.json"), sample("valid/2x_greve_tec.json")], token)
    assert response.status_code == 200
    assert [r["resultat"] for r in response.json()["resultats"]] == ["mise_a_jour", "ignoree"]
    response = post(client, sample("updates/greve_tec_v3_annulee.json"), token)
    assert response.status_code == 200 and response.json()["resultats"][0]["resultat"] == "retiree"
    assert not FeedEntry.objects.exists()


@pytest.mark.parametrize(
    ("authorization", "challenge"),
    [
        (None, 'Bearer realm="manchette"'),
        ("Bearer ", 'Bearer realm="manchette"'),
        ("Basic cHNtOnNlY3JldA==", 'Bearer realm="manchette"'),
        ("Bearer inconnu", 'Bearer realm="manchette", error="invalid_token"'),
        ("Bearer " + "x" * 10_000, 'Bearer realm="manchette", error="invalid_token"'),
    ],
)
def test_missing_or_unknown_token_is_401(client, token, authorization, challenge):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    response = post(client, sample("valid/2x_greve_tec.json"), **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == challenge
    assert "erreur" in response.json()
    assert not Dispatch.objects.exists()


def test_a_revoked_or_replaced_token_is_401(client, agency, token):
    agency.revoke_token()
    assert post(client, sample("valid/2x_greve_tec.json"), token).status_code == 401
    new_token = agency.generate_token()
    assert post(client, sample("valid/2x_greve_tec.json"), token).status_code == 401
    assert post(client, sample("valid/2x_greve_tec.json"), new_token).status_code == 201


def test_a_token_with_the_right_prefix_but_wrong_secret_is_401(client, agency, token):
    forged = token[:8] + ("A" if token[8] != "A" else "B") + token[9:]
    assert post(client, sample("valid/2x_greve_tec.json"), forged).status_code == 401


def test_only_the_hash_of_the_token_is_stored(agency, token):
    agency.refresh_from_db()
    stored = [str(value) for value in agency.__dict__.values()]
    assert token not in stored
    assert agency.token_prefix == token[:8] and len(agency.token_hash) == 64


def test_an_inactive_source_is_403(client, agency, token):
    agency.active = False
    agency.save()
    assert post(client, sample("valid/2x_greve_tec.json"), token).status_code == 403


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_other_methods_are_405(client, token, method):
    response = getattr(client, method)(URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405 and response["Allow"] == "POST"


def test_an_oversized_body_is_413_without_being_read(client, token, settings):
    settings.WIRES_MAX_BODY_BYTES = 2000
    item = sample("valid/2x_greve_tec.json")
    item["bodies"][1]["value"] = "Très long. " * 400
    response = post(client, item, token)
    assert response.status_code == 413
    assert "2000 octets" in response.json()["erreur"]
    assert not Dispatch.objects.exists()


def test_the_default_limit_is_one_megabyte(client, token):
    item = sample("valid/2x_greve_tec.json")
    item["bodies"][1]["value"] = "x" * (1024 * 1024)
    assert post(client, item, token).status_code == 413
    item["bodies"][1]["value"] = "Assez court. " * 1000
    assert post(client, item, token).status_code == 201


def test_a_malformed_item_is_400_naming_the_field(client, token):
    response = post(client, sample("invalid/date_invalide.json"), token)
    assert response.status_code == 400
    assert response.json() == {"erreur": "versioncreated\u202f: date invalide (attendu par exemple 2024-03-18T14:05:00+01:00)", "champ": "versioncreated"}


def test_an_error_in_a_list_names_the_item_and_saves_nothing(client, token):
    response = post(client, [sample("valid/1x_pont_namur.json"), *sample("invalid/liste_avec_erreur.json")], token)
    assert response.status_code == 400
    assert response.json()["champ"] == "headline" and response.json()["element"] == 2
    assert not WireItem.objects.exists() and not Dispatch.objects.exists()


JUNK = [
    b"", b"pas du json", b"{", b"\xff\xfe\x00", b"null", b"true", b"42", b'"texte"', b"[]", b"[[]]", b"[null]",
    b"{}", b'{"uri": null}', b'{"uri": []}', b'{"uri": {"a": 1}}', b"NaN", b'{"urgency": -Infinity}',
    b"1" * 10_000, b"[" * 50_000 + b"]" * 50_000, b'{"a": ' * 5_000 + b"1" + b"}" * 5_000,
    b'{"uri": "urn:x:1", "version": 1e400, "versioncreated": "2025-01-01T00:00:00Z"}',
    b'{"uri": "urn:x:1", "version": "1", "versioncreated": "99999-01-01T00:00:00Z"}',
    b'{"uri": "urn:x:1", "version": "1", "versionCreated": "2025-01-01T00:00:00Z", "headlines": {"value": "x"}}',
    b'{"uri": "urn:x:1", "version": "1", "versionCreated": "2025-01-01T00:00:00Z", "headlines": [[{"value": "x"}]]}',
    b'{"uri": "urn:x:\\u0000", "version": "1"}',
    b'{"uri": "urn:x:\\ud800", "version": "1"}',
    b'{"standard": {"version": "3.\\ud800"}, "uri": "urn:x:1"}',
    b'{"standard": {"version": "' + b"9" * 5000 + b'"}, "uri": "urn:x:1"}',
    b'{"uri": "urn:x:1", "version": "1", "versionCreated": "2025-01-01T00:00:00Z", "urgency": 1e308, '
    b'"headlines": [{"value": "x"}], "bodies": [{"value": "y"}]}',
    "{\"uri\": \"urn:x:é\", \"version\": \"1\"}".encode("latin-1"),
]


@pytest.mark.parametrize("raw", JUNK, ids=range(len(JUNK)))
def test_junk_is_400_never_500(client, token, raw):
    response = post(client, None, token, raw=raw)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["erreur"] and "champ" in body
    assert not WireItem.objects.exists()


def test_nul_bytes_and_lone_surrogates_in_text_are_dropped_not_stored(client, token):
    item = {
        "uri": "urn:psm:2025:pieges", "version": "1", "versionCreated": "2025-03-18T10:00:00Z",
        "headlines": [{"value": "Titre\u0000 piégé\ud800"}], "bodies": [{"value": "Texte\u0000\udfff propre."}],
    }
    raw = json.dumps(item).encode()
    response = post(client, None, token, raw=raw)
    assert response.status_code == 201
    assert Dispatch.objects.get().title == "Titre piégé"


def test_the_wire_text_is_sanitised(client, token):
    assert post(client, sample("valid/html_piege.json"), token).status_code == 201
    dispatch = Dispatch.objects.get()
    assert "<" not in dispatch.title + dispatch.text and "alert" not in dispatch.text
    page = client.get(dispatch.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "onerror" not in page


# The fil info in ninjs, for partners


def publish(title, minutes_ago=0, important=False):
    dispatch = Dispatch.objects.create(title=title, text=f"Texte de « {title} ».", important=important, source="Agence", live=False)
    Dispatch.objects.get(pk=dispatch.pk).save_revision().publish()
    FeedEntry.objects.filter(dispatch=dispatch).update(published_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return dispatch


def test_ninjs_feed_lists_the_latest_visible_entries_as_ninjs_3(client, db):
    publish("Plus ancienne", minutes_ago=10)
    publish("La plus récente", minutes_ago=1, important=True)
    hidden = Dispatch.objects.create(title="Brouillon", text="Pas encore.", live=False)
    hidden.save_revision()
    future = publish("Programmée", minutes_ago=-30)
    response = client.get("/fil-info/ninjs.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "s-maxage=30" in response["Cache-Control"]
    items = response.json()
    assert [item["headlines"][0]["value"] for item in items] == ["La plus récente", "Plus ancienne"]
    first = items[0]
    assert first["standard"] == {"name": "ninjs", "version": "3.0", "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json#"}
    assert first["pubStatus"] == "usable" and first["urgency"] == 2
    assert first["bodies"] == [{"role": "main", "contentType": "text/plain", "value": "Texte de « La plus récente »."}]
    assert first["infoSources"] == [{"name": "Agence"}]
    assert first["renditions"][0]["href"].startswith("http") and first["renditions"][0]["href"].endswith(FeedEntry.objects.get(title="La plus récente").url)
    assert all(future.title not in json.dumps(item) for item in items)


def test_ninjs_feed_items_are_valid_ninjs_for_our_own_reader(client, db):
    publish("Un aller-retour")
    [item] = client.get("/fil-info/ninjs.json").json()
    wire = parse(item)
    assert (wire.standard, wire.headline, wire.text, wire.important) == (3, "Un aller-retour", "Texte de « Un aller-retour ».", False)
    assert wire.version_created <= timezone.now()


def test_ninjs_feed_keeps_fifty_entries_in_one_query(client, db, django_assert_num_queries):
    for number in range(53):
        publish(f"Dépêche {number}", minutes_ago=number)
    with django_assert_num_queries(1):
        items = client.get("/fil-info/ninjs.json").json()
    assert len(items) == 50 and items[0]["headlines"][0]["value"] == "Dépêche 0"


def test_a_withdrawn_wire_leaves_the_ninjs_feed(client, token):
    post(client, sample("valid/2x_greve_tec.json"), token)
    assert len(client.get("/fil-info/ninjs.json").json()) == 1
    post(client, sample("updates/greve_tec_v3_annulee.json"), token)
    assert client.get("/fil-info/ninjs.json").json() == []
