"""The fil info's RSS and Atom: every entry has an author (RFC 4287), and the W3C feed validator passes them."""

import xml.etree.ElementTree as ET

from django.conf import settings

from manchette.news.tests.factories import AuthorFactory
from manchette.news.tests.feed_validator import problems

from .factories import publish_dispatch

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def fill(published_article):
    published_article(title="Un article signé", authors=[AuthorFactory(name="Anne Lambert", slug="anne-lambert")])
    published_article(title="Un article à deux", authors=[AuthorFactory(name="Marc Dupont"), AuthorFactory(name="Léa Roy")])
    published_article(title="Un article sans auteur")
    publish_dispatch("Une dépêche d’agence", source="Belga")
    publish_dispatch("Une dépêche de la rédaction")


def test_every_atom_entry_has_an_author(client, published_article):
    fill(published_article)
    root = ET.fromstring(client.get("/fil-info/atom/").content)
    assert root.find(f"{ATOM}author").findtext(f"{ATOM}name") == "La rédaction"
    authors = {
        entry.findtext(f"{ATOM}title"): (entry.find(f"{ATOM}author").findtext(f"{ATOM}name"), entry.find(f"{ATOM}author").findtext(f"{ATOM}uri"))
        for entry in root.findall(f"{ATOM}entry")
    }
    assert authors == {
        "Un article signé": ("Anne Lambert", f"{settings.SITE_URL}/auteur/anne-lambert/"),
        "Un article à deux": ("Léa Roy et Marc Dupont", None),
        "Un article sans auteur": ("La rédaction", settings.SITE_URL + "/"),
        "Une dépêche d’agence": ("Belga", None),
        "Une dépêche de la rédaction": ("La rédaction", settings.SITE_URL + "/"),
    }


def test_every_rss_item_has_a_creator(client, published_article):
    fill(published_article)
    items = ET.fromstring(client.get("/fil-info/rss/").content).iter("item")
    assert {item.findtext("title"): item.findtext(f"{DC}creator") for item in items} == {
        "Un article signé": "Anne Lambert",
        "Un article à deux": "Léa Roy et Marc Dupont",
        "Un article sans auteur": "La rédaction",
        "Une dépêche d’agence": "Belga",
        "Une dépêche de la rédaction": "La rédaction",
    }


def test_the_w3c_feed_validator_passes_both_feeds(client, published_article):
    fill(published_article)
    for path in ("/fil-info/rss/", "/fil-info/atom/"):
        assert problems(client.get(path).content, settings.SITE_URL + path) == [], path


def test_the_feeds_cost_the_same_queries_whatever_their_length(client, published_article, django_assert_max_num_queries):
    fill(published_article)
    for number in range(10):
        published_article(title=f"Encore un article {number}", authors=[AuthorFactory()])
    with django_assert_max_num_queries(4):
        assert client.get("/fil-info/atom/").status_code == 200


def test_a_dispatch_address_is_folded_to_ascii_the_french_way():
    from manchette.filinfo.models import Dispatch

    assert Dispatch(title="L’œuvre du Sœur-Cœur : été à Liège").slug == "l-oeuvre-du-soeur-coeur-ete-a-liege"
