"""The thread as every reader sees it: count, batches, replies, badges, order, placeholders, and what it costs."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from manchette.comments import discussion
from manchette.comments.models import Comment, Status
from manchette.news.models import Discussion
from manchette.news.tests.factories import ArticleFactory, AuthorFactory, SectionFactory, publish


def fragment(client, article):
    response = client.get(f"/_fragments/commentaires/{article.pk}/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def top_level(soup):
    return soup.select("[data-list] > li.comment")


def texts(items):
    return [item.select_one(":scope > [data-comment-body] .comment__text").get_text(strip=True) for item in items]


def ago(minutes):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def test_the_count_says_commentaire_in_the_singular_and_plural(client, article, reader, make_comment):
    assert fragment(client, article).select_one("[data-count]").get_text(strip=True) == "Aucun commentaire"
    first = make_comment(article, reader)
    assert fragment(client, article).select_one("[data-count]").get_text(strip=True) == "1 commentaire"
    for _ in range(4):
        make_comment(article, reader, parent=first)
    make_comment(article, reader, status=Status.PENDING)
    make_comment(article, reader, status=Status.REJECTED)
    make_comment(article, reader)
    # Approved comments and replies count; waiting and refused ones do not.
    assert fragment(client, article).select_one("[data-count]").get_text(strip=True) == "6 commentaires"


def test_the_article_page_carries_the_thread_under_the_article(client, article, reader, make_comment):
    make_comment(article, reader, text="Enfin un tram !")
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    thread = page.select_one("#commentaires")
    assert thread["data-live-topic"] == f"commentaires-{article.pk}"
    assert thread["data-me"] == f"/commentaires/{article.pk}/moi/"
    assert texts(top_level(thread)) == ["Enfin un tram !"]
    assert page.select_one('script[src*="comments/comments"]') is not None
    assert page.select_one("script[data-stream]") is not None


def test_each_comment_says_who_and_when_in_french(client, article, reader, make_comment):
    posted = datetime.datetime(2022, 1, 24, 18, 17, tzinfo=datetime.UTC)  # 19:17 in Brussels
    make_comment(article, reader, text="Ligne une\nLigne deux <b>gras</b> https://example.com", created_at=posted)
    item = top_level(fragment(client, article))[0]
    meta = item.select_one(".comment__meta").get_text(" ", strip=True)
    assert re.sub(r"\s+", " ", meta) == "Posté par Claire Dubois , lundi 24 janvier 2022, 19:17"
    assert item.select_one("time")["datetime"].startswith("2022-01-24T19:17")
    body = item.select_one(".comment__text")
    assert body.select("br") and not body.select("b") and not body.select("a")
    assert "<b>gras</b>" in body.get_text()


def test_five_top_level_comments_newest_first_then_more(client, article, reader, make_comment):
    for n in range(7):
        make_comment(article, reader, text=f"Avis {n}", created_at=ago(60 - n))
    soup = fragment(client, article)
    assert texts(top_level(soup)) == ["Avis 6", "Avis 5", "Avis 4", "Avis 3", "Avis 2"]
    more = soup.select_one("a[data-more]")
    assert more.get_text(strip=True) == "Plus de commentaires"
    assert more["href"] == f"/commentaires/{article.pk}/?page=2"
    # Without JavaScript: a page of its own, with the article's title and a way back.
    page = BeautifulSoup(client.get(more["href"]).content, "html.parser")
    assert texts(top_level(page)) == ["Avis 1", "Avis 0"]
    assert page.select_one("a[data-more]") is None
    assert article.title in page.title.get_text()
    assert page.select_one(".comments-page__back a")["href"] == article.url
    # With it: the same batch alone, which comments.js adds in place.
    partial = client.get(more["href"] + "&partiel=1")
    assert partial.status_code == 200 and b"<html" not in partial.content
    assert texts(top_level(BeautifulSoup(partial.content, "html.parser"))) == ["Avis 1", "Avis 0"]
    assert client.get(f"/commentaires/{article.pk}/?page=3").status_code == 404


def test_sorting_oldest_and_most_replies(client, article, reader, make_comment):
    calm = make_comment(article, reader, text="Calme", created_at=ago(30))
    busy = make_comment(article, reader, text="Animé", created_at=ago(20))
    make_comment(article, reader, text="Récent", created_at=ago(10))
    for _ in range(3):
        make_comment(article, reader, parent=busy, text="Réponse")
    make_comment(article, reader, parent=calm, text="Réponse")
    Comment.objects.filter(pk=busy.pk).update(reply_count=3)
    Comment.objects.filter(pk=calm.pk).update(reply_count=1)

    def order(query):
        return texts(top_level(BeautifulSoup(client.get(f"/commentaires/{article.pk}/{query}").content, "html.parser")))

    assert order("") == ["Récent", "Animé", "Calme"]
    assert order("?tri=anciens") == ["Calme", "Animé", "Récent"]
    assert order("?tri=reponses") == ["Animé", "Calme", "Récent"]
    assert client.get(f"/commentaires/{article.pk}/?tri=hasard").status_code == 404


def test_replies_beneath_their_comment_capped_with_a_link_to_the_rest(client, article, reader, make_comment):
    parent = make_comment(article, reader, text="Le tram, enfin")
    for n in range(12):
        make_comment(article, reader, parent=parent, text=f"Réponse {n}", created_at=ago(50 - n))
    Comment.objects.filter(pk=parent.pk).update(reply_count=12)
    item = top_level(fragment(client, article))[0]
    replies = item.select("[data-replies] > li")
    assert texts(replies) == [f"Réponse {n}" for n in range(10)]
    assert all(reply.select_one('[data-action="reply"]') is None for reply in replies), "one level only"
    rest = item.select_one(".comment__more-replies a")
    assert rest.get_text(strip=True) == "Voir les 2 autres réponses"
    page = BeautifulSoup(client.get(rest["href"]).content, "html.parser")
    assert len(page.select("[data-replies] > li")) == 12


def test_badges_for_the_newsroom_and_the_articles_authors(client, article, make_reader, make_comment, staff):
    journalist = make_reader("Anne Lefèvre")
    AuthorFactory(name="Anne Lefèvre", user=journalist)
    article.authors.add(journalist.author)
    publish(article)
    make_comment(article, staff["moderator"], text="Modération", created_at=ago(3))
    make_comment(article, journalist, text="Merci de votre lecture", created_at=ago(2))
    make_comment(article, make_reader("Paul Martin"), text="Un lecteur", created_at=ago(1))
    items = top_level(fragment(client, article))
    badges = [[b.get_text(strip=True) for b in item.select(".badge")] for item in items]
    assert badges == [[], ["Auteur de l’article"], ["La rédaction"]]


def test_featured_comments_come_first(client, article, reader, make_comment):
    make_comment(article, reader, text="Ancien mais choisi", created_at=ago(100), featured=True)
    make_comment(article, reader, text="Récent", created_at=ago(1))
    items = top_level(fragment(client, article))
    assert texts(items) == ["Ancien mais choisi", "Récent"]
    assert items[0].select_one(".badge--featured").get_text(strip=True) == "Choix de la rédaction"


def test_deleted_comment_keeps_its_place_while_a_reply_sits_under_it(client, article, reader, make_reader, make_comment):
    other = make_reader("Paul Martin")
    held = make_comment(article, reader, text="", status=Status.DELETED, created_at=ago(10))
    make_comment(article, other, parent=held, text="Je réponds quand même")
    Comment.objects.filter(pk=held.pk).update(reply_count=1)
    make_comment(article, reader, text="", status=Status.DELETED)  # no reply: gone
    items = top_level(fragment(client, article))
    assert len(items) == 1
    assert items[0].select_one(".comment__deleted").get_text(strip=True) == "Commentaire supprimé"
    assert items[0].select_one(":scope > [data-comment-body] .comment__text") is None
    assert "Claire Dubois" not in items[0].select_one(":scope > [data-comment-body]").get_text()
    assert texts(items[0].select("[data-replies] > li")) == ["Je réponds quand même"]


def test_a_deleted_account_is_shown_as_such(client, article, reader, make_comment):
    make_comment(article, reader, text="Mon avis reste")
    reader.delete()
    item = top_level(fragment(client, article))[0]
    assert item.select_one(".comment__author").get_text(strip=True) == "Compte supprimé"
    assert texts([item]) == ["Mon avis reste"]


def test_no_thread_for_articles_readers_may_not_see(client, section, published_article, reader, make_comment, settings):
    unpublished = published_article(slug="retire")
    make_comment(unpublished, reader)
    unpublished.unpublish()
    restricted = published_article(slug="reserve")
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="x")
    expired = published_article(slug="perime")
    type(expired).objects.filter(pk=expired.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))
    draft = ArticleFactory(parent=section, slug="brouillon", live=False)
    for article in (unpublished, restricted, expired, draft):
        assert client.get(f"/_fragments/commentaires/{article.pk}/").status_code == 404
        assert client.get(f"/commentaires/{article.pk}/").status_code == 404
        assert client.get(f"/commentaires/{article.pk}/moi/").status_code == 404
    assert client.get("/_fragments/commentaires/999999/").status_code == 404
    assert client.get(f"/_fragments/commentaires/{section.pk}/").status_code == 404, "a section is no article"


def test_a_closed_article_keeps_its_comments_visible_without_a_form(client, published_article, reader, make_comment):
    article = published_article(slug="ferme", discussion=Discussion.CLOSED)
    make_comment(article, reader, text="Avant la fermeture")
    soup = fragment(client, article)
    assert texts(top_level(soup)) == ["Avant la fermeture"]
    assert soup.select_one(".comments__closed").get_text(strip=True) == "Les commentaires sont fermés sur cet article."
    assert soup.select_one("form[data-comment-form]") is None


def test_the_discussion_mode_comes_from_the_article_then_its_sections_then_the_setting(home, settings):
    settings.COMMENTS_DEFAULT = "closed"
    monde = SectionFactory(parent=home, slug="monde")
    europe = SectionFactory(parent=monde, slug="europe")
    article = ArticleFactory(parent=europe, slug="a")
    assert discussion.mode(article) == "closed"
    monde.comments_default = Discussion.PREMODERATED
    monde.save()
    assert discussion.mode(article) == "premoderated"
    europe.comments_default = Discussion.OPEN
    europe.save()
    assert discussion.mode(article) == "open"
    article.discussion = Discussion.CLOSED
    assert discussion.mode(article) == "closed"


def test_the_shared_form_carries_no_token_and_no_reader(client, article, reader_client):
    soup = fragment(reader_client, article)
    form = soup.select_one("form[data-comment-form]")
    assert form.has_attr("data-shared-form")
    assert form.select_one("input[data-edge-csrf]")["value"] == ""
    assert "Claire Dubois" not in str(soup), "the block is the same for everyone"
    invite = soup.select_one("[data-invite]")
    links = [a["href"] for a in invite.select("a")]
    assert links == [f"/compte/login/?next=%2F{article.url.strip('/').replace('/', '%2F')}%2F%23commentaires", "/compte/signup/"]


@pytest.fixture
def crowded(article, make_reader, make_comment):
    """make(n): N top-level comments, each with two replies, by many readers."""
    readers = [make_reader(f"Lecteur {n}") for n in range(20)]

    def make(n):
        now = timezone.now()
        existing = Comment.objects.filter(article=article, parent__isnull=True).count()
        tops = Comment.objects.bulk_create(
            Comment(article=article, author=readers[i % 20], text=f"Avis numéro {i}", status=Status.APPROVED,
                    created_at=now - datetime.timedelta(seconds=i), published_at=now, reply_count=2)
            for i in range(existing, n)
        )
        Comment.objects.bulk_create(
            Comment(article=article, author=readers[(i + k) % 20], parent=top, text=f"Réponse {k}", status=Status.APPROVED,
                    created_at=now, published_at=now)
            for i, top in enumerate(tops) for k in range(2)
        )

    return make


def test_the_first_batch_costs_the_same_queries_and_bytes_at_10_and_5000_comments(client, article, crowded):
    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/_fragments/commentaires/{article.pk}/")
        assert response.status_code == 200
        return len(queries), len(response.content)

    crowded(10)
    few_queries, few_bytes = measure()
    crowded(5000)
    assert Comment.objects.filter(article=article).count() == 15000
    many_queries, many_bytes = measure()
    assert many_queries == few_queries
    # Only the count's and the ids' digits may differ.
    assert abs(many_bytes - few_bytes) < 200


def test_two_readers_of_the_same_name_are_told_apart_by_when_they_joined(client, article, make_reader, make_comment):
    from django.contrib.auth import get_user_model

    first = make_reader("Marc Dupont", email="marc1@example.com")
    second = make_reader("Marc Dupont", email="marc2@example.com", username="marc.dupont.2")
    get_user_model().objects.filter(pk=first.pk).update(date_joined=timezone.make_aware(datetime.datetime(2024, 3, 5)))
    other = make_reader("Léa Dubois")
    make_comment(article, first, text="Premier avis.", created_at=ago(3))
    make_comment(article, second, text="Second avis.", created_at=ago(2))
    make_comment(article, other, text="Troisième avis.", created_at=ago(1))
    metas = {texts([li])[0]: li.select_one(".comment__meta").get_text(" ", strip=True) for li in top_level(fragment(client, article))}
    assert "membre depuis mars 2024" in metas["Premier avis."]
    assert "membre depuis" in metas["Second avis."] and "mars 2024" not in metas["Second avis."]
    assert "membre depuis" not in metas["Troisième avis."]
