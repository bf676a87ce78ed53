"""Every interface string goes through gettext: the English catalogue proves it on a real page."""

from django.test import RequestFactory
from django.utils import translation

from .factories import ArticleFactory, SectionFactory


def render_article(language):
    article = ArticleFactory(parent=SectionFactory(title="Monde", slug="monde"))
    request = RequestFactory().get(article.url)
    with translation.override(language):
        return article.serve(request).render().content.decode()


def test_the_article_page_reads_in_french_by_default(home):
    html = render_article("fr-be")
    for text in ("Temps de lecture\u202f: 1 min", "Publié le", "Le fil info", "Voir tout le Fil info", "Accueil"):
        assert text in html


def test_the_english_catalogue_translates_the_interface(home):
    html = render_article("en")
    for text in ("Reading time: 1 min", "Published on", "The news feed", "See the whole news feed", "Home", "Skip to content"):
        assert text in html
    assert "Temps de lecture" not in html and "Publié le" not in html
