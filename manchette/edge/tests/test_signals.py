"""What makes cached pages stale (edge/readers.py, declared by each app), and what a CDN in front is told to purge."""

import pytest
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect

from manchette.edge.invalidation import generation
from manchette.edge.readers import watched
from manchette.news.models import EditorsPick
from manchette.news.signals import READER_FACING_MODELS
from manchette.news.tests.factories import ArticleFactory, AuthorFactory, SectionFactory, StoryFactory, publish
from manchette.wires.models import WireSource


@pytest.fixture
def article(home):
    return ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"), slug="budget")


@pytest.fixture
def bumps(django_capture_on_commit_callbacks):
    """bumps(change) runs CHANGE, checks nothing is bumped before the commit, and counts the bumps after it."""

    def run(change):
        before = generation().current()
        with django_capture_on_commit_callbacks() as callbacks:
            change()
        assert generation().current() == before, "bumped before the change committed"
        for callback in callbacks:
            callback()
        return generation().current() - before

    return run


def correct(article):
    article.title = "Le conseil communal adopte le budget (rectificatif)"
    publish(article)


def test_publishing_a_correction_bumps_once_committed(article, bumps):
    assert bumps(lambda: correct(article)) >= 1


def test_saving_a_draft_does_not_bump(article, bumps):
    def draft():
        article.title = "Brouillon"
        article.save_revision()

    assert bumps(draft) == 0


def test_unpublishing_deleting_and_moving_bump(article, home, bumps):
    assert bumps(article.unpublish) >= 1
    publish(article)
    assert bumps(lambda: article.move(SectionFactory(title="Monde", slug="monde"), pos="last-child")) >= 1
    assert bumps(article.delete) >= 1, "Wagtail unpublishes a live page before deleting it"


def test_creating_a_live_page_bumps(home, bumps):
    assert bumps(lambda: SectionFactory(title="Sports", slug="sports")) >= 1


@pytest.mark.parametrize(
    "change",
    [
        lambda article: AuthorFactory(name="Camille Dupont"),
        lambda article: StoryFactory(title="Budget communal").delete(),
        lambda article: Tag.objects.create(name="budget", slug="budget"),
        lambda article: EditorsPick.objects.create(page=article.get_parent().get_parent().specific, article=article),
        lambda article: Redirect.objects.create(old_path="/ancien-budget", redirect_page=article),
    ],
    ids=["author", "story", "tag", "editors-pick", "redirect"],
)
def test_changes_readers_see_outside_pages_bump(article, bumps, change):
    assert bumps(lambda: change(article)) >= 1


def test_publishing_purges_the_article_and_the_pages_that_list_it(article, varnish, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        correct(article)
    assert set(varnish) == {
        "http://localhost/belgique/budget/",
        "http://localhost/belgique/",
        "http://localhost/",
        # Not the fil info's pages: a new item reaches them live, and they are kept 10 s (filinfo/events.py).
    }


def test_each_app_declares_what_readers_see_of_its_models():
    assert set(READER_FACING_MODELS) <= watched()


def test_a_model_nobody_declared_changes_no_page(article, bumps):
    assert bumps(lambda: WireSource.objects.create(name="Agence Essai", slug="essai")) == 0
