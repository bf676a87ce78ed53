"""The demo newspaper, loaded once for the module inside a transaction that is rolled back afterwards."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from wagtail.models import Revision

from manchette.automoderation import trust
from manchette.automoderation.models import Classifier
from manchette.comments.models import Comment, Status
from manchette.demo import moderation as demo_moderation
from manchette.news.models import (
    Article,
    Author,
    EditorsPick,
    FrontPageLead,
    NewsImage,
    NewsRendition,
    Section,
    Story,
    visible_articles,
)

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (Article, Section, Author, Story, NewsImage, FrontPageLead, EditorsPick, Revision, Comment)}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", verbosity=0)
            yield counts()
        finally:
            # Renditions are cached by image id, and ids are reused once this transaction is rolled back.
            NewsRendition.objects.all().delete()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def page_text(response):
    return BeautifulSoup(response.content, "html.parser").get_text(" ").replace("\u202f", " ")


def test_the_newspaper_has_its_sections_newsroom_stories_and_articles(demo):
    top_level = Section.objects.filter(depth=3)
    assert top_level.count() >= 8
    assert all(section.get_children().type(Section).exists() for section in top_level)
    assert demo["Article"] == 150
    # The twelve bylines of the stories, and the demo journalist's own (for the articles they write in the admin).
    assert demo["Author"] == 13
    assert Author.objects.get(user__username="journaliste").name == "Camille Journaliste"
    assert demo["Story"] == 10
    assert all(3 <= story.articles.count() <= 8 for story in Story.objects.all())


def test_articles_are_live_distinct_and_published_at_their_dates(demo):
    articles = list(Article.objects.all())
    assert all(a.live and not a.has_unpublished_changes for a in articles)
    assert len({a.title for a in articles}) == len(articles)
    assert all(a.live_revision_id and a.live_revision_id == a.latest_revision_id for a in articles)
    assert all(1 <= a.authors.count() <= 3 and 2 <= a.tags.count() <= 4 for a in articles)
    assert len({a.first_published_at.date() for a in articles}) >= 15
    corrected = [a for a in articles if a.was_updated]
    assert corrected
    assert all(7200 <= (a.last_published_at - a.first_published_at).total_seconds() <= 21600 for a in corrected)


def test_front_page_curation_and_illustrations(demo, client):
    leads = [slot.article for slot in FrontPageLead.objects.order_by("sort_order")]
    assert [slot.sort_order for slot in FrontPageLead.objects.order_by("sort_order")] == [0, 1, 2, 3, 4]
    assert all(article.hero_image_id for article in leads)
    assert EditorsPick.objects.count() == 5
    image = NewsImage.objects.first()
    assert image.focal_point_width and image.credit == "Illustration Manchette"
    assert image.renditions.count() == 15

    response = client.get("/")
    assert response.status_code == 200
    text = page_text(response)
    assert all(article.title in text for article in leads)


def test_most_articles_are_illustrated_and_every_section_has_a_share_image(demo, client):
    articles = Article.objects.all()
    assert articles.filter(hero_image__isnull=False).count() >= 0.75 * articles.count()
    assert articles.filter(hero_image__isnull=True).exists()  # the share image's fallback has articles to show
    assert not Section.objects.filter(depth=3, share_image__isnull=True).exists()
    plain = articles.filter(hero_image__isnull=True).first()
    response = client.get(plain.url)
    image = BeautifulSoup(response.content, "html.parser").find("meta", property="og:image")["content"]
    assert ".fill-1200x675.format-jpeg." in image


def test_article_pages_answer(demo, client):
    for article in visible_articles()[::15]:
        response = client.get(article.url)
        assert response.status_code == 200
        assert article.title in page_text(response)


def test_loading_again_adds_nothing(demo):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Le journal de démonstration est déjà chargé." in out.getvalue()
    assert counts() == demo


def test_readers_discuss_a_dozen_articles(demo, client):
    comments = Comment.objects.exclude(author__username__startswith=demo_moderation.USERNAME_PREFIX)
    assert comments.count() > 0
    assert comments.values("article").distinct().count() == 12
    assert set(comments.values_list("status", flat=True)) == {Status.APPROVED}
    assert comments.filter(author__profile__isnull=True).exclude(author__username="journaliste").count() == 0
    busiest = max(Article.objects.filter(comments__isnull=False).distinct(), key=lambda a: a.comments.filter(parent=None).count())
    html = client.get(f"/_fragments/commentaires/{busiest.pk}/").content.decode()
    assert "Plus de commentaires" in html
    assert comments.filter(featured=True).exists()
    answered = comments.get(author__username="journaliste")
    thread = client.get(f"/_fragments/commentaires/{answered.article_id}/").content.decode()
    assert "La rédaction" in thread


def test_the_moderators_history_trains_the_classifier_and_fills_the_queue(demo, client):
    history = Comment.objects.filter(author__username__startswith=demo_moderation.USERNAME_PREFIX)
    decided = history.filter(moderated_by__username="moderateur")
    assert decided.count() >= 400 and decided.filter(status=Status.REJECTED).count() >= 150
    model = Classifier.objects.get(active=True)
    assert model.examples + model.held_out == decided.count()
    assert model.precision >= 0.8 and model.recall >= 0.5, model.report
    waiting = history.filter(status=Status.PENDING)
    assert waiting.exists() and not waiting.filter(score__isnull=True).exists()
    assert waiting.filter(flags__rule="classifieur").exists()
    # Regulars earned trust, trolls lost it.
    levels = {author.username.removeprefix(demo_moderation.USERNAME_PREFIX): trust.standing(author).level
              for author in {comment.author for comment in history.select_related("author")}}
    last = f"r-{len(demo_moderation.REGULARS)}"
    assert {name: level for name, level in levels.items() if name.startswith("r-")} == {
        **{f"r-{n}": trust.TRUSTED for n in range(1, len(demo_moderation.REGULARS))}, last: None}
    assert all(level == trust.PREMODERATED for name, level in levels.items() if name.startswith("t-"))
    refused = decided.filter(status=Status.REJECTED).first()
    assert refused.text not in client.get(f"/_fragments/commentaires/{refused.article_id}/").content.decode()
