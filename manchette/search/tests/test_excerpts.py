"""Results show an excerpt with the words searched for in <mark>, escaped; with words, the best matches first."""

import pytest

from manchette.search.excerpts import excerpt
from manchette.search.query import query_terms

from .test_search import published, section, soup  # noqa: F401 (fixtures)


def test_excerpt_marks_every_inflection_and_escapes_the_rest():
    text = "Les <b>élections</b> & l’élection : « Election » ; électoral n’est pas pareil."
    html = excerpt(text, query_terms("élections"))
    assert html.count("<mark>") == 3
    assert "<mark>élections</mark>" in html and "<mark>élection</mark>" in html and "<mark>Election</mark>" in html
    assert "&lt;b&gt;" in html and "&amp;" in html and "<b>" not in html
    assert "<mark>électoral</mark>" not in html


def test_excerpt_is_the_passage_around_the_first_match():
    words = [f"mot{n}" for n in range(200)]
    words[120] = "météo"
    html = excerpt(" ".join(words), query_terms("meteo"))
    assert html.startswith("…\u00a0") and html.endswith("\u00a0…")
    assert "<mark>météo</mark>" in html and "mot108" in html and "mot107 " not in html
    assert excerpt("Rien ici.", query_terms("météo")) is None


def test_results_page_shows_highlighted_excerpts_from_lead_or_body(client, published):  # noqa: F811
    published("Conseil communal", lead="Le budget <script>alert(1)</script> adopté après la grève.")
    published("Transports", body="<p>Intro.</p><p>La grève des trams a duré deux jours.</p>")
    page = soup(client.get("/recherche/", {"q": "grève"}))
    excerpts = [p.decode_contents() for p in page.select(".search-excerpt")]
    assert len(excerpts) == 2
    assert all("<mark>grève</mark>" in html for html in excerpts)
    assert any("&lt;script&gt;" in html for html in excerpts)
    assert not page.select(".search-excerpt script")


def test_with_words_the_default_order_is_relevance(client, published):  # noqa: F811
    published("La grève", hours_ago=5)
    published("Un autre sujet", body="<p>On parle aussi de grève ici.</p>", hours_ago=1)
    page = soup(client.get("/recherche/", {"q": "grève"}))
    assert [a.text for a in page.select(".card__title a")] == ["La grève", "Un autre sujet"]
    assert page.select_one("#search-page-tri option[selected]")["value"] == "pertinence"
    by_date = soup(client.get("/recherche/", {"q": "grève", "tri": "date"}))
    assert [a.text for a in by_date.select(".card__title a")] == ["Un autre sujet", "La grève"]


@pytest.mark.parametrize(("count", "text"), [(1, "1 résultat"), (2, "2 résultats")])
def test_result_counts_in_french(client, published, count, text):  # noqa: F811
    for n in range(count):
        published(f"Inondations {n}")
    assert soup(client.get("/recherche/", {"q": "inondations"})).select_one('[role="status"]').text == text
