"""/fil-info/ninjs.json: who wrote each item, where it comes from, its whole text; valid against IPTC's schema."""

import json

import pytest
from django.conf import settings

from manchette.filinfo.ninjs import body_text
from manchette.news.tests.factories import AuthorFactory
from manchette.testing.reference import reference_dir

from .factories import publish_dispatch

SCHEMAS = reference_dir() / "ninjs" / "schemas"


def items(client):
    response = client.get("/fil-info/ninjs.json")
    assert response.status_code == 200
    return {item["headlines"][0]["value"]: item for item in response.json()}


@pytest.fixture
def feed(published_article):
    authors = [AuthorFactory(name="Anne Lambert"), AuthorFactory(name="Marc Dupont")]
    published_article(
        title="Un article signé", lead="Le chapô, en deux phrases.", authors=authors,
        body="<p>Premier paragraphe &amp; suite.</p><h2>Un intertitre</h2><blockquote>« Une citation. »</blockquote>"
             "<ul><li>Un point</li><li>Un autre</li></ul><p>Dernier <b>mot</b>.</p>",
    )
    published_article(title="Un article sans auteur", lead="Rien que le chapô.")
    publish_dispatch("Une dépêche d’agence", source="Belga")
    publish_dispatch("Une dépêche de la rédaction", text="Deux phrases. Pas plus.")
    return items


def test_items_say_who_wrote_them_and_where_they_come_from(client, feed):
    found = feed(client)
    assert found["Un article signé"]["by"] == "Anne Lambert et Marc Dupont"
    assert found["Un article sans auteur"]["by"] == "La rédaction"
    assert found["Une dépêche d’agence"]["by"] == "Belga"
    assert found["Une dépêche d’agence"]["infoSources"] == [{"name": "Belga"}]
    assert found["Une dépêche de la rédaction"]["by"] == "La rédaction"
    newsroom = [{"name": settings.SITE_NAME, "uri": settings.SITE_URL + "/"}]
    assert found["Une dépêche de la rédaction"]["infoSources"] == newsroom
    assert found["Un article signé"]["infoSources"] == newsroom


def test_items_carry_the_whole_text_not_only_the_lead(client, feed):
    found = feed(client)
    article = found["Un article signé"]
    assert article["descriptions"] == [{"role": "summary", "contentType": "text/plain", "value": "Le chapô, en deux phrases."}]
    assert article["bodies"] == [{
        "role": "main", "contentType": "text/plain",
        "value": "Premier paragraphe & suite.\n\nUn intertitre\n\n« Une citation. »\n\nUn point\n\nUn autre\n\nDernier mot.",
    }]
    dispatch = found["Une dépêche de la rédaction"]
    assert dispatch["bodies"] == [{"role": "main", "contentType": "text/plain", "value": "Deux phrases. Pas plus."}]
    assert "descriptions" not in dispatch


def test_body_text_keeps_paragraphs_apart():
    assert body_text("<p>Un</p><p>Deux<br>trois</p>") == "Un\n\nDeux\n\ntrois"
    assert body_text("") == ""


def test_every_item_is_valid_against_the_schema_it_declares(client, feed):
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMAS.is_dir():
        pytest.skip(f"IPTC's ninjs schemas are not in {SCHEMAS}")
    found = feed(client)
    assert len(found) == 4
    for item in found.values():
        declared = item["standard"]["schema"]
        name = declared.rsplit("/", 1)[-1].rstrip("#")
        schema = json.loads((SCHEMAS / name).read_text())
        assert schema["$id"] == declared
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        errors = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(item)]
        assert errors == [], item["headlines"]
