import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.models import Page

from manchette.filinfo.models import FeedEntry
from manchette.news.models import Article, ArticleTag, Section, visible_articles
from manchette.news.tests.factories import ArticleFactory, SectionFactory


def generate(count, share):
    call_command("generate_articles", count, section_share=share, verbosity=0)


def assert_valid_tree():
    assert Page.find_problems() == ([], [], [], [], [])


@pytest.fixture
def generated(home):
    generate(300, 100)
    return Section.objects.get(slug="archives")


def test_articles_land_in_the_big_section_and_the_others(generated, home):
    assert Article.objects.count() == visible_articles().count() == 300
    assert generated.articles().count() == 100
    others = Section.objects.exclude(pk=generated.pk)
    assert others.count() > 3
    assert all(section.get_children().exists() for section in others)
    assert Article.objects.exclude(path__startswith=generated.path).count() == 200
    spread = [section.articles().count() for section in Section.objects.child_of(home).exclude(pk=generated.pk)]
    assert max(spread) - min(spread) <= 1 and max(spread) < 100
    texts = Article.objects.values_list("title", "lead", "body")[:20]
    assert all(title and lead and body.count("<p>") >= 4 and len(body.split()) > 150 for title, lead, body in texts)
    assert 0 < ArticleTag.objects.values("content_object").distinct().count() < 150
    newest, oldest = Article.objects.latest("first_published_at"), Article.objects.earliest("first_published_at")
    assert (newest.first_published_at - oldest.first_published_at).days > 3 * 365


def test_tree_paths_and_child_counts_are_consistent(generated, home):
    assert_valid_tree()
    for article in Article.objects.order_by("?")[:30]:
        parent = article.get_parent()
        assert article.url_path == f"{parent.url_path}{article.slug}/"
        assert article.depth == parent.depth + 1 and isinstance(parent.specific, Section)
    for section in Section.objects.all():
        assert section.numchild == section.get_children().count()
    home.refresh_from_db()
    assert home.numchild == home.get_children().count()


def test_the_tree_still_accepts_pages_added_by_wagtail(generated):
    added = ArticleFactory(parent=generated, title="Ajouté après la génération", slug="ajoute")
    generated.refresh_from_db()
    assert generated.numchild == 101
    assert added.path > generated.get_children().exclude(pk=added.pk).order_by("-path").first().path
    assert_valid_tree()


def test_a_generated_article_is_served_and_listed_in_its_section(client, generated):
    article = generated.articles().first()
    response = client.get(article.url)
    assert response.status_code == 200
    assert article.lead in response.content.decode()
    listing = client.get(generated.url)
    assert listing.status_code == 200
    assert f'href="{article.url}"' in listing.content.decode()


def test_a_second_run_reuses_the_sections_and_appends(generated):
    sections = set(Section.objects.values_list("pk", flat=True))
    generate(50, 10)
    assert set(Section.objects.values_list("pk", flat=True)) == sections
    assert Article.objects.count() == 350 and generated.articles().count() == 110
    assert Article.objects.values("url_path").distinct().count() == 350
    assert_valid_tree()


def test_existing_sections_are_reused_and_the_share_is_capped(home):
    monde = SectionFactory(title="Monde", slug="monde")
    generate(10, 4)
    assert set(Section.objects.values_list("slug", flat=True)) == {"monde", "archives"}
    assert monde.articles().count() == 6
    generate(5, 20_000)
    assert Section.objects.get(slug="archives").articles().count() == 9
    assert_valid_tree()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL is analyzed after the load")
def test_postgresql_plans_with_fresh_statistics(generated):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", ["news_article"])
        assert cursor.fetchone()[0] >= 300


def test_bad_counts_and_a_missing_front_page_are_refused(db):
    with pytest.raises(CommandError, match="positif"):
        call_command("generate_articles", -1, verbosity=0)
    with pytest.raises(CommandError, match="setup_newsroom"):
        call_command("generate_articles", 1, verbosity=0)


def test_generated_articles_are_in_the_fil_info(generated):
    newest = visible_articles().first()
    assert FeedEntry.objects.count() == visible_articles().count()
    entry = FeedEntry.objects.first()
    assert (entry.article_id, entry.url, entry.published_at) == (newest.pk, newest.url, newest.first_published_at)
