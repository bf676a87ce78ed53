"""Named slots (news/slots.py): what other apps put on news pages without news naming them."""

import pytest
from bs4 import BeautifulSoup

from manchette.news import slots

from .factories import ArticleFactory, SectionFactory


@pytest.fixture
def parts(tmp_path, settings):
    """Templates of a pretend app, registered in three slots, then taken out again."""
    folder = tmp_path / "templates" / "essai"
    folder.mkdir(parents=True)
    (folder / "dessous.html").write_text('<section id="dessous">{{ titre_vu }}</section>')
    (folder / "cote.html").write_text('<section id="cote">à côté</section>')
    (folder / "compte.html").write_text('<p id="compte">Mon compte</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "templates"]}]
    registered = [
        ("article_below", "essai/dessous.html", lambda page: {"titre_vu": f"Sous « {page['page'].title} »"}),
        ("article_aside", "essai/cote.html", None),
        ("header_personal", "essai/compte.html", None),
    ]
    for slot, template, context in registered:
        slots.register(slot, template, context=context)
    yield
    for slot, template, _ in registered:
        slots.unregister(slot, template)


def test_apps_fill_the_article_pages_slots_in_place(client, home, parts):
    article = ArticleFactory(parent=SectionFactory(title="Monde", slug="monde"), title="Sommet européen")
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    below = page.select_one("article.article > #dessous")
    assert below is not None and below.text == "Sous « Sommet européen »"
    assert page.select_one("aside.sidebar > #cote") is not None
    assert page.select_one("header.masthead #compte").text == "Mon compte"


def test_a_slot_nobody_fills_renders_nothing(client, home):
    article = ArticleFactory(parent=SectionFactory(title="Monde", slug="monde"))
    html = client.get(article.url).content.decode()
    assert 'id="dessous"' not in html and "{% slot" not in html


def test_an_unknown_slot_is_refused():
    with pytest.raises(ValueError, match="unknown slot"):
        slots.register("sous_le_tapis", "essai/dessous.html")
