"""Search over the fil info's dispatches: found as articles are, labelled « Fil info », and only while readers
may see them (published, not withdrawn, expired or deleted), on SQLite and PostgreSQL alike."""

import datetime
import importlib

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from manchette.filinfo import events
from manchette.filinfo.models import Dispatch, FeedEntry
from manchette.filinfo.tests.factories import correct, publish_dispatch, save_dispatch
from manchette.news.models import Article
from manchette.news.tests.factories import ArticleFactory, SectionFactory, publish
from manchette.search import query as search_query
from manchette.search.models import DispatchIndex
from manchette.search.query import BY_DATE, BY_RELEVANCE, search_items

METEO = "L’IRM place la province de Liège en alerte orange : la météo annonce de fortes pluies cette nuit."
E411 = "Un camion renversé bloque l’E411 à hauteur de Wavre, vers Bruxelles. Les files atteignent dix kilomètres."


@pytest.fixture
def section(home):
    return SectionFactory(title="Belgique", slug="belgique")


@pytest.fixture
def article(section):
    def make(title, lead="Un texte sans rapport.", body="<p>Rien à signaler.</p>", hours_ago=1):
        when = timezone.now() - datetime.timedelta(hours=hours_ago)
        page = ArticleFactory(parent=section, title=title, lead=lead, body=body, first_published_at=when,
                              last_published_at=when)
        publish(page)
        return Article.objects.get(pk=page.pk)

    return make


def dispatch(title, text=METEO, hours_ago=None, **fields):
    """A dispatch published as the newsroom does it, dated HOURS_AGO if given (in the fil info too)."""
    item = publish_dispatch(title, text=text, **fields)
    if hours_ago is not None:
        when = timezone.now() - datetime.timedelta(hours=hours_ago)
        Dispatch.objects.filter(pk=item.pk).update(first_published_at=when, last_published_at=when)
        FeedEntry.objects.filter(dispatch=item).update(published_at=when, updated_at=when)
        item.refresh_from_db()
    return item


def found(query, order=BY_DATE):
    return [item.title for item in search_items(query, order)]


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def results(client, **params):
    response = client.get("/recherche/", params)
    assert response.status_code == 200
    return soup(response)


def test_meteo_and_e411_find_the_dispatches_that_say_them(client, home):
    weather = dispatch("Alerte orange en province de Liège", text=METEO)
    traffic = dispatch("Accident près de Wavre", text=E411, source="Belga")
    dispatch("Coupure de courant à Namur", text="Le réseau est rétabli.")
    assert found("météo") == ["Alerte orange en province de Liège"]
    assert found("METEO") == found("météo")
    assert found("E411") == found("e411") == ["Accident près de Wavre"]

    page = results(client, q="E411")
    assert page.select_one('[role="status"]').text == "1 résultat"
    card = page.select_one(".card--dispatch")
    assert card.select_one(".kicker").text == "Fil info"
    link = card.select_one(".card__title a")
    assert link.text == "Accident près de Wavre" and link["href"] == traffic.get_absolute_url()
    assert "Source\u202f: Belga" in card.text
    excerpt = page.select_one(".search-excerpt")
    assert [mark.text for mark in excerpt.select("mark")] == ["E411"]
    assert "l’<mark>E411</mark> à hauteur de Wavre" in str(excerpt)
    assert client.get(link["href"]).status_code == 200

    page = results(client, q="météo")
    assert page.select_one(".card--dispatch .card__title a")["href"] == weather.get_absolute_url()
    assert [mark.text for mark in page.select(".search-excerpt mark")] == ["météo"]


def test_a_dispatch_matched_by_its_title_alone_shows_its_text(client, home):
    dispatch("Météo : gel attendu", text="Les routes seront glissantes demain matin.")
    excerpt = results(client, q="météo").select_one(".search-excerpt")
    assert excerpt.text == "Les routes seront glissantes demain matin." and not excerpt.select("mark")


def test_drafts_withdrawn_deleted_and_expired_dispatches_are_never_found(client, home):
    save_dispatch("Brouillon météo", text=METEO)
    withdrawn = dispatch("Météo retirée")
    withdrawn.unpublish()
    deleted = dispatch("Météo supprimée")
    deleted.delete()
    expired = dispatch("Météo expirée")
    Dispatch.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))
    dispatch("Météo visible")
    assert found("météo") == ["Météo visible"]
    assert set(DispatchIndex.objects.values_list("dispatch_id", flat=True)) == {
        pk for pk in Dispatch.objects.filter(live=True).values_list("pk", flat=True)
    }
    body = client.get("/recherche/", {"q": "météo"}).content.decode()
    for secret in ("Brouillon météo", "Météo retirée", "Météo supprimée", "Météo expirée"):
        assert secret not in body
    # Wagtail's worker unpublishes the expired one: it leaves the index.
    call_command("publish_scheduled", verbosity=0)
    assert not DispatchIndex.objects.filter(dispatch_id=expired.pk).exists()
    assert found("météo") == ["Météo visible"]


def test_a_correction_replaces_the_text_and_a_draft_change_waits_for_publishing(home):
    item = dispatch("Fermeture de la E40", text="La E40 est fermée vers Liège.")
    correct(item, title="Fermeture de la E411", text="C’est l’E411 qui est fermée, vers Namur.")
    assert found("E40") == [] and found("E411") == ["Fermeture de la E411"]
    item.title = "Réouverture secrète"
    item.save_revision()
    assert found("secrète") == [] and found("E411") == ["Fermeture de la E411"]
    # Unpublished, then published again: back in the results.
    item.unpublish()
    assert found("E411") == []
    correct(item)
    assert found("E411") == ["Réouverture secrète"]


def test_a_dispatch_taken_offline_behind_wagtails_back_is_not_shown(client, home):
    item = dispatch("Météo fantôme")
    Dispatch.objects.filter(pk=item.pk).update(live=False)
    assert DispatchIndex.objects.filter(dispatch_id=item.pk).exists()
    page = results(client, q="météo")
    assert "Météo fantôme" not in page.text
    assert "Aucun article ni aucune dépêche ne correspond à votre recherche." in page.text


def test_articles_and_dispatches_mixed_by_date_and_by_relevance(article, home):
    article("Inondations à Liège", hours_ago=48)
    article("Le point du jour", body="<p>Quelques inondations locales signalées.</p>", hours_ago=1)
    dispatch("Inondations à Verviers", text="La Vesdre est sortie de son lit.", hours_ago=5)
    dispatch("Trafic perturbé", text="Des inondations coupent la N61.", hours_ago=30)
    assert found("inondations", BY_DATE) == [
        "Le point du jour", "Inondations à Verviers", "Trafic perturbé", "Inondations à Liège",
    ]
    by_relevance = found("inondations", BY_RELEVANCE)
    # A title that says it first, whichever its kind; a passing mention in a long body last.
    assert set(by_relevance[:2]) == {"Inondations à Verviers", "Inondations à Liège"}
    assert by_relevance[-1] == "Le point du jour"
    assert sorted(by_relevance) == sorted(found("inondations", BY_DATE))


def test_pagination_and_counts_include_both_kinds(client, article, home, settings):
    settings.SEARCH_RESULTS_PER_PAGE = 2
    for n in range(3):
        article(f"Marché de Noël numéro {n}", hours_ago=2 * n + 1)
    for n in range(2):
        dispatch(f"Marché de Noël : dépêche {n}", text="Les chalets ouvrent ce soir.", hours_ago=2 * n + 2)
    first = results(client, q="marché", tri="date")
    assert first.select_one('[role="status"]').text == "5 résultats"
    assert [h.text for h in first.select(".card__title")] == ["Marché de Noël numéro 0", "Marché de Noël\u202f: dépêche 0"]
    assert first.select_one('a[rel="next"]')["href"] == "?q=march%C3%A9&tri=date&page=2"
    second = results(client, q="marché", tri="date", page="2")
    assert [h.text for h in second.select(".card__title")] == ["Marché de Noël numéro 1", "Marché de Noël\u202f: dépêche 1"]
    assert [k.text for k in second.select(".kicker")] == ["Belgique", "Fil info"]
    last = results(client, q="marché", tri="date", page="3")
    assert [h.text for h in last.select(".card__title")] == ["Marché de Noël numéro 2"]
    assert client.get("/recherche/", {"q": "marché", "page": "4"}).status_code == 404


def test_the_most_recent_matches_are_kept_across_both_kinds(client, article, home, monkeypatch):
    monkeypatch.setattr(search_query, "MAX_RESULTS", 3)
    article("Carnaval de Binche", hours_ago=100)
    dispatch("Carnaval d’Alost", text="Le cortège part à 14 heures.", hours_ago=90)
    for n in range(2):
        article(f"Nouvelles du jour {n}", body="<p>Le carnaval approche.</p>", hours_ago=2 * n + 1)
        dispatch(f"En bref {n}", text="Le carnaval approche.", hours_ago=2 * n + 2)
    assert found("carnaval", BY_DATE) == ["Nouvelles du jour 0", "En bref 0", "Nouvelles du jour 1"]
    assert sorted(found("carnaval", BY_RELEVANCE)) == sorted(found("carnaval", BY_DATE))
    page = results(client, q="carnaval")
    assert page.select_one('[role="status"]').text == "Plus de 3 résultats"
    assert "Seuls les 3 résultats les plus récents sont proposés" in page.select_one(".notice").text


def test_a_dispatch_published_after_a_search_shows_at_the_next_one(client, home):
    assert "Verglas" not in results(client, q="verglas").text
    dispatch("Verglas sur les routes", text="Prudence ce matin.")
    assert "Verglas sur les routes" in results(client, q="verglas").text
    Dispatch.objects.get().unpublish()
    assert "Verglas sur les routes" not in results(client, q="verglas").text


def test_reindex_command_rebuilds_the_dispatches_too(home):
    shown = Dispatch.objects.create(title="Import météo", text=METEO, live=True, first_published_at=timezone.now())
    Dispatch.objects.create(title="Import météo brouillon", text=METEO, live=False)
    Dispatch.objects.create(title="Import météo expiré", text=METEO, live=True,
                            expire_at=timezone.now() - datetime.timedelta(hours=1))
    FeedEntry.objects.all().delete()
    events.rebuild()
    assert not DispatchIndex.objects.exists()  # created without publishing: no signal
    call_command("reindex_articles", verbosity=0)
    assert list(DispatchIndex.objects.values_list("dispatch_id", flat=True)) == [shown.pk]
    assert found("météo") == ["Import météo"]
    Dispatch.objects.filter(pk=shown.pk).update(live=False)
    call_command("reindex_articles", verbosity=0)
    assert not DispatchIndex.objects.exists() and found("météo") == []


def test_reindex_command_says_what_it_indexed(home, capsys):
    dispatch("Météo du jour")
    call_command("reindex_articles", verbosity=1)
    assert "0 article et 1 dépêche indexés." in capsys.readouterr().out


def test_the_migration_indexes_the_dispatches_readers_see(home):
    shown = dispatch("Météo d’avant la migration")
    save_dispatch("Brouillon d’avant la migration")
    DispatchIndex.objects.all().delete()
    migration = importlib.import_module("manchette.search.migrations.0002_dispatch_search_index")
    migration.index_visible_dispatches(apps, None)
    assert list(DispatchIndex.objects.values_list("dispatch_id", flat=True)) == [shown.pk]
    assert found("migration") == ["Météo d’avant la migration"]


def test_hostile_queries_answer_normally_with_dispatches(client, home):
    from .test_search import HOSTILE_QUERIES

    dispatch("Le budget de la ville", text="<script>alert(1)</script> budget")
    for query in HOSTILE_QUERIES:
        for order in ("date", "pertinence"):
            response = client.get("/recherche/", {"q": query, "tri": order})
            assert response.status_code == 200, (query, order)
            assert "<script>alert" not in response.content.decode()

