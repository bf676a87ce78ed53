import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from manchette.news.models import Article
from manchette.news.tests.factories import ArticleFactory, SectionFactory, publish
from manchette.search import query as search_query
from manchette.search.models import ArticleIndex
from manchette.search.query import BY_DATE, BY_RELEVANCE, search_articles

NNBSP = "\u202f"
NEUTRAL_LEAD = "Un texte sans rapport avec la recherche."
NEUTRAL_BODY = "<p>Rien à signaler dans ce paragraphe.</p>"


@pytest.fixture
def section(home):
    return SectionFactory(title="Belgique", slug="belgique")


@pytest.fixture
def published(section):
    """Creates an article and publishes it the way the newsroom does, so the signals index it."""

    def make(title, lead=NEUTRAL_LEAD, body=NEUTRAL_BODY, hours_ago=1, **kwargs):
        when = timezone.now() - datetime.timedelta(hours=hours_ago)
        article = ArticleFactory(
            parent=section, title=title, lead=lead, body=body,
            first_published_at=when, last_published_at=when, **kwargs,
        )
        publish(article)
        # Wagtail keeps an existing first_published_at; the sort tests rely on the one given here.
        return Article.objects.get(pk=article.pk)

    return make


def found(query, order=BY_DATE):
    return [article.title for article in search_articles(query, order)]


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_stemming_finds_other_inflections(published):
    published("Les élections communales approchent")
    published("Le code électoral réformé")
    assert found("élection") == ["Les élections communales approchent"]
    # Snowball stems « électoral » to « electoral », not « elect »: it is a different word for the index.
    assert found("électorale") == ["Le code électoral réformé"]
    assert found("communale") == ["Les élections communales approchent"]


def test_accents_are_folded_both_ways(published):
    published("Une nouvelle école à Namur")
    published("Ecole sans accent dans le titre", hours_ago=2)
    assert found("ecole") == ["Une nouvelle école à Namur", "Ecole sans accent dans le titre"]
    assert found("ÉCOLE") == found("ecole")
    assert found("écoles") == found("ecole")


def test_every_word_must_match_in_title_lead_or_body(published):
    published("Le budget de la ville", lead="La majorité défend ses choix.", body="<p>Les écoles rénovées.</p>")
    published("Le budget de la région")
    assert found("budget ville") == ["Le budget de la ville"]
    assert found("budget majorité écoles") == ["Le budget de la ville"]
    assert found("budget inexistantmot") == []


def test_drafts_and_unpublished_articles_are_never_found(published, section):
    draft = ArticleFactory(parent=section, title="Brouillon confidentiel", live=False)
    draft.save_revision()
    gone = published("Article retiré confidentiel")
    gone.unpublish()
    assert found("confidentiel") == []
    assert not ArticleIndex.objects.filter(article_id__in=[draft.pk, gone.pk]).exists()


def test_unpublished_draft_changes_of_a_live_article_are_not_searchable(published):
    article = published("Le conseil se réunit")
    article.title = "Le conseil révèle un scandale"
    article.save_revision()
    assert found("scandale") == []
    assert found("réunit") == ["Le conseil se réunit"]


def test_deleted_articles_leave_the_index(published):
    article = published("Article supprimé")
    article.delete()
    assert found("supprimé") == [] and not ArticleIndex.objects.exists()


def test_view_filters_through_visible_articles_even_if_the_index_is_stale(client, published):
    article = published("Fuite improbable")
    # Taken offline behind Wagtail's back: the index row stays, the page must still not show.
    Article.objects.filter(pk=article.pk).update(live=False)
    assert ArticleIndex.objects.filter(article_id=article.pk).exists()
    response = client.get("/recherche/", {"q": "fuite"})
    assert response.status_code == 200
    assert "Fuite improbable" not in response.content.decode()
    assert "Aucun article ni aucune dépêche ne correspond à votre recherche." in response.content.decode()


def test_date_order_is_newest_first_and_relevance_prefers_the_title(published):
    published("Inondations à Liège", hours_ago=48)
    published("Météo du jour", body="<p>Quelques inondations locales signalées.</p>", hours_ago=1)
    assert found("inondations", BY_DATE) == ["Météo du jour", "Inondations à Liège"]
    assert found("inondations", BY_RELEVANCE) == ["Inondations à Liège", "Météo du jour"]


def test_results_page_in_french_with_count_cards_and_noindex(client, published):
    published("Grève des transports en commun", lead="Les trams restent au dépôt.")
    published("Trams au dépôt", lead="La grève se poursuit.", hours_ago=3)
    response = client.get("/recherche/", {"q": "grève", "tri": "pertinence"})
    page = soup(response)
    assert response.status_code == 200
    assert page.h1.text == f"Résultats pour «{NNBSP}grève{NNBSP}»"
    assert page.select_one('[role="status"]').text == "2 résultats"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert [h.text for h in page.select(".card__title")] == ["Grève des transports en commun", "Trams au dépôt"]
    assert [k.text for k in page.select(".card .kicker")] == ["Belgique", "Belgique"]
    assert page.select_one("#search-page-tri option[selected]")["value"] == "pertinence"
    label = page.find("label", attrs={"for": "search-page-q"})
    assert label is not None and page.select_one("#search-page-q")["value"] == "grève"


def test_one_result_is_singular(client, published):
    published("Un seul résultat")
    assert soup(client.get("/recherche/", {"q": "seul"})).select_one('[role="status"]').text == "1 résultat"


def test_empty_query_shows_a_prompt_and_no_results(client, published):
    published("Un article")
    for params in ({}, {"q": ""}, {"q": "   "}):
        page = soup(client.get("/recherche/", params))
        assert page.h1.text == "Rechercher un article"
        assert page.select_one('[role="status"]') is None and not page.select(".card")
        assert "Saisissez un ou plusieurs mots" in page.text


def test_pagination_keeps_query_and_order_and_rejects_bad_pages(client, published, settings):
    settings.SEARCH_RESULTS_PER_PAGE = 2
    for n in range(5):
        published(f"Marché de Noël numéro {n}", hours_ago=n + 1)
    first = soup(client.get("/recherche/", {"q": "marché", "tri": "date"}))
    assert first.select_one('[role="status"]').text == "5 résultats"
    assert first.select_one('a[rel="next"]')["href"] == "?q=march%C3%A9&tri=date&page=2"
    last = soup(client.get("/recherche/", {"q": "marché", "tri": "date", "page": "3"}))
    assert [h.text for h in last.select(".card__title")] == ["Marché de Noël numéro 4"]
    assert last.select_one('a[rel="prev"]').text == "« Page précédente"
    for page in ("4", "0", "abc", "-1", "9" * 50):
        assert client.get("/recherche/", {"q": "marché", "page": page}).status_code == 404


def test_only_the_most_recent_matches_are_kept_and_ranked(client, published, monkeypatch):
    monkeypatch.setattr(search_query, "MAX_RESULTS", 3)
    published("Carnaval de Binche", hours_ago=100)
    for n in range(4):
        published(f"Nouvelles du jour {n}", body="<p>Le carnaval approche.</p>", hours_ago=n + 1)
    # The title match is the most relevant, but it is older than the three most recent matches.
    assert found("carnaval", BY_RELEVANCE) == found("carnaval", BY_DATE)[:3]
    assert "Carnaval de Binche" not in found("carnaval", BY_RELEVANCE)
    page = soup(client.get("/recherche/", {"q": "carnaval"}))
    assert page.select_one('[role="status"]').text == "Plus de 3 résultats"
    assert "Seuls les 3 résultats les plus récents sont proposés" in page.select_one(".notice").text
    assert len(page.select(".card")) == 3


HOSTILE_QUERIES = [
    '"; DROP TABLE search_articleindex; --', "NEAR(", "NEAR(budget ville, 2)", "*", "budget*", "OR", "AND",
    "NOT", "budget OR ville", "-x", "-budget", '"', '"budget', "'", "(", ")", "title:budget", "^budget",
    "{title lead}: budget", "budget\x00ville", "%", "%%s", "\\", "!!! ??? ...", "— « » …", "x" * 2000,
    "budget " * 400, "😀 budget", "&lt;script&gt;", "<script>alert(1)</script>",
]


def test_hostile_queries_answer_normally(client, published):
    published("Le budget de la ville")
    for query in HOSTILE_QUERIES:
        for order in ("date", "pertinence", "n'importe quoi"):
            response = client.get("/recherche/", {"q": query, "tri": order})
            assert response.status_code == 200, (query, order)
            assert "<script>alert" not in response.content.decode()


def test_operators_are_searched_as_words_not_syntax(published):
    published("Le budget de la ville")
    assert found("budget*") == found("budget") == ["Le budget de la ville"]
    assert found("-budget") == ["Le budget de la ville"]
    # NEAR and OR are searched as words, which this article does not contain.
    assert found("NEAR(budget ville)") == []
    assert found("budget OR ville") == []


def test_long_queries_are_truncated_with_a_french_notice(client, published):
    published("Le budget de la ville")
    response = client.get("/recherche/", {"q": "budget " + "x" * 300})
    page = soup(response)
    assert "seuls ses 200 premiers caractères" in page.select_one(".notice").text
    assert len(page.select_one("#search-page-q")["value"]) == 200


def test_reindex_command_rebuilds_from_live_articles_only(section):
    live = ArticleFactory(parent=section, title="Import en masse")
    ArticleFactory(parent=section, title="Import brouillon", live=False)
    assert not ArticleIndex.objects.exists()  # created without publishing: no signal
    call_command("reindex_articles", verbosity=0)
    assert list(ArticleIndex.objects.values_list("article_id", flat=True)) == [live.pk]
    assert found("import") == ["Import en masse"]
    Article.objects.filter(pk=live.pk).update(live=False, title="Retiré")
    call_command("reindex_articles", verbosity=0)
    assert not ArticleIndex.objects.exists() and found("import") == []


def test_reindex_updates_changed_text(section):
    article = ArticleFactory(parent=section, title="Ancien titre")
    call_command("reindex_articles", verbosity=0)
    Article.objects.filter(pk=article.pk).update(title="Nouveau titre")
    call_command("reindex_articles", "--batch-size", "1", verbosity=0)
    assert found("ancien") == [] and found("nouveau") == ["Nouveau titre"]


def test_shared_pagination_keeps_its_labels_and_links_on_section_pages(client, section, settings):
    settings.ARTICLES_PER_PAGE = 1
    for n in range(2):
        ArticleFactory(parent=section, title=f"Article {n}")
    page = soup(client.get(section.url))
    link = page.select_one('.pagination a[rel="next"]')
    assert link["href"] == "?page=2" and link.text == "Plus anciens »"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL chooses how to match from its statistics")
def test_postgresql_finds_the_same_through_the_walk_and_through_the_index(published):
    for n in range(6):
        published(f"Le budget communal {n}", hours_ago=n + 1)
    published("Le budget du xylophoniste", hours_ago=10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_articleindex")
    assert search_query._found_in_most_articles(["budget"])
    assert not search_query._found_in_most_articles(["xylophon"])
    assert len(found("budget")) == 7 and found("budget")[0] == "Le budget communal 0"
    assert found("xylophoniste") == ["Le budget du xylophoniste"]
    assert found("budget xylophoniste", BY_RELEVANCE) == ["Le budget du xylophoniste"]
