"""What makes cached pages stale (edge/readers.py, declared by each app), and what a CDN in front is told to purge.

Each test runs a change, commits it, and asks the shared table of key versions which keys it invalidated:
a correction reaches what shows the article, a change of membership the lists too, and nothing else."""

import pytest
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect

from manchette.edge import keys
from manchette.edge.invalidation import versions
from manchette.edge.readers import PUBLISHED, watched
from manchette.news.models import EditorsPick
from manchette.news.signals import READER_FACING_MODELS
from manchette.news.tests.factories import ArticleFactory, AuthorFactory, SectionFactory, StoryFactory, publish
from manchette.wires.models import WireSource


@pytest.fixture
def article(home):
    return ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"), slug="budget")


class Invalidated:
    def __init__(self, since):
        self.since = since

    def __contains__(self, key):
        return not versions().fresh(self.since, versions().slots_of([key]))

    @property
    def everything(self):
        return not versions().fresh(self.since, ())


@pytest.fixture
def invalidated(django_capture_on_commit_callbacks):
    """invalidated(change) runs CHANGE, checks nothing is invalidated before the commit, and tells what was after it."""

    def run(change):
        since = versions().current()
        with django_capture_on_commit_callbacks() as callbacks:
            change()
        assert versions().current() == since, "invalidated before the change committed"
        for callback in callbacks:
            callback()
        return Invalidated(since)

    return run


def section_list(page):
    return keys.list_of(f"page-{page.pk}")


def correct(article):
    article.title = "Le conseil communal adopte le budget (rectificatif)"
    publish(article)


def test_a_correction_invalidates_what_shows_the_article_and_no_list(article, home, invalidated):
    other = ArticleFactory(parent=article.get_parent(), slug="autre")
    gone = invalidated(lambda: correct(article))
    assert keys.of(article) in gone and keys.path("/belgique/budget/") in gone
    assert keys.list_of(PUBLISHED) in gone, "search and sitemaps show it"
    assert section_list(article.get_parent()) not in gone, "its sections list the same articles as before"
    assert section_list(home) not in gone
    assert keys.of(other) not in gone
    assert not gone.everything


def test_publishing_a_new_article_invalidates_the_lists_it_enters(article, home, invalidated):
    author = AuthorFactory(name="Camille Dupont")
    story = StoryFactory(title="Budget communal")

    def new_article():
        fresh = ArticleFactory.build(title="Nouvel article", slug="nouveau", story=story, live=False)
        article.get_parent().add_child(instance=fresh)
        fresh.tags.add("budget")
        fresh.authors.add(author)
        publish(fresh)

    gone = invalidated(new_article)
    tag = Tag.objects.get(slug="budget")
    for key in (
        section_list(article.get_parent()), section_list(home), keys.list_of("news.article"), keys.list_of(f"tag-{tag.pk}"),
        keys.list_of(f"author-{author.pk}"), keys.list_of(f"story-{story.pk}"), keys.path("/belgique/nouveau/"),
    ):
        assert key in gone, key
    assert keys.of(article) not in gone


def test_retagging_in_a_correction_invalidates_both_tags_lists(article, invalidated):
    article.tags.add("budget")
    publish(article)
    old = Tag.objects.get(slug="budget")

    def retag():
        article.tags.set(["finances"])
        publish(article)

    gone = invalidated(retag)
    assert keys.list_of(f"tag-{old.pk}") in gone
    assert keys.list_of(f"tag-{Tag.objects.get(slug='finances').pk}") in gone


def test_saving_a_draft_invalidates_nothing(article, invalidated):
    def draft():
        article.title = "Brouillon"
        article.save_revision()

    gone = invalidated(draft)
    assert keys.of(article) not in gone and versions().current() == gone.since


def test_unpublishing_deleting_and_moving_invalidate_the_lists(article, home, invalidated):
    belgique = article.get_parent()
    assert section_list(belgique) in invalidated(article.unpublish)
    publish(article)
    monde = SectionFactory(title="Monde", slug="monde")
    moved = invalidated(lambda: article.move(monde, pos="last-child"))
    for key in (section_list(belgique), section_list(monde), keys.path("/belgique/budget/"), keys.path("/monde/budget/")):
        assert key in moved, key
    assert keys.of(article) in invalidated(article.specific.delete), "Wagtail unpublishes a live page before deleting it"


def test_creating_a_live_page_invalidates_its_lists(home, invalidated):
    gone = invalidated(lambda: SectionFactory(title="Sports", slug="sports"))
    assert keys.list_of("news.section") in gone and section_list(home) in gone


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda article: AuthorFactory(name="Camille Dupont"), "list-news.author"),
        (lambda article: StoryFactory(title="Budget communal").delete(), "list-news.story"),
        (lambda article: Tag.objects.create(name="budget", slug="budget"), "list-taggit.tag"),
        (lambda article: EditorsPick.objects.create(page=article.get_parent().get_parent().specific, article=article), "list-news.editorspick"),
        (lambda article: Redirect.objects.create(old_path="/ancien-budget", redirect_page=article), keys.path("/ancien-budget/")),
    ],
    ids=["author", "story", "tag", "editors-pick", "redirect"],
)
def test_changes_readers_see_outside_pages_invalidate_their_keys(article, invalidated, change, key):
    assert key in invalidated(lambda: change(article))


def test_an_authors_correction_reaches_the_pages_showing_them(article, invalidated):
    author = AuthorFactory(name="Camille Dupont")

    def rename():
        author.name = "Camille Dupont-Leroy"
        author.save()

    assert keys.of(author) in invalidated(rename)


def test_a_site_change_invalidates_everything(home, invalidated):
    from wagtail.models import Site

    def rename():
        site = Site.objects.get(is_default_site=True)
        site.site_name = "Autre nom"
        site.save()

    assert invalidated(rename).everything


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


def test_a_model_nobody_declared_changes_no_page(article, invalidated):
    gone = invalidated(lambda: WireSource.objects.create(name="Agence Essai", slug="essai"))
    assert versions().current() == gone.since
