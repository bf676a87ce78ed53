"""What a change to a comment tells readers: the live event on the article's topic, and the cached thread made
stale, so the next anonymous reader gets the new thread (the edge's own invalidation, through Django)."""

import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import PageViewRestriction

from manchette.comments import events
from manchette.comments.models import Comment, Status
from manchette.edge import fragments
from manchette.edge.invalidation import versions
from manchette.live import topics
from manchette.live.models import Event
from manchette.news.models import Discussion

from .conftest import json_post


def logged(article):
    return [(e.key, e.action, json.loads(e.data)) for e in Event.objects.filter(topic=f"commentaires-{article.pk}").order_by("id")]


def test_a_published_comment_is_logged_with_its_html_parent_and_count(reader_client, article):
    answer = json_post(reader_client, f"/commentaires/{article.pk}/ecrire/", {"text": "En direct"}).json()
    [(key, action, data)] = logged(article)
    assert (key, action) == (f"comment-{answer['id']}", "upsert")
    assert data["id"] == answer["id"] and data["parent"] is None
    assert (data["count"], data["count_text"]) == (1, "1 commentaire")
    assert "En direct" in data["html"] and f'id="commentaire-{answer["id"]}"' in data["html"]


def test_a_reply_names_its_parent_and_counts_it(reader_client, article, make_reader, make_comment):
    parent = make_comment(article, make_reader("Paul Martin"))
    answer = json_post(reader_client, f"/commentaires/{article.pk}/ecrire/", {"text": "Réponse", "parent": parent.pk}).json()
    key, action, data = logged(article)[-1]
    assert (key, action, data["parent"], data["count"]) == (f"comment-{answer['id']}", "upsert", parent.pk, 2)
    parent.refresh_from_db()
    assert parent.reply_count == 1


def test_an_edit_replaces_and_a_deletion_removes(reader_client, article):
    comment_id = json_post(reader_client, f"/commentaires/{article.pk}/ecrire/", {"text": "Avant"}).json()["id"]
    json_post(reader_client, f"/commentaires/modifier/{comment_id}/", {"text": "Après"})
    assert "Après" in logged(article)[-1][2]["html"]
    json_post(reader_client, f"/commentaires/supprimer/{comment_id}/")
    events_now = logged(article)
    assert events_now[-1][:2] == (f"comment-{comment_id}", "remove")
    assert events_now[-1][2]["count"] == 0
    # A reader who replays the topic from before gets the removal only, never the text.
    assert all(action == "remove" for _, action, _ in events_now)
    assert not any("Avant" in json.dumps(data) or "Après" in json.dumps(data) for _, _, data in events_now)


def test_a_deleted_comment_with_replies_becomes_a_placeholder_live(reader_client, article, reader, make_reader, make_comment):
    mine = make_comment(article, reader, text="Parti")
    make_comment(article, make_reader("Paul Martin"), parent=mine)
    Comment.objects.filter(pk=mine.pk).update(reply_count=1)
    json_post(reader_client, f"/commentaires/supprimer/{mine.pk}/")
    key, action, data = logged(article)[-1]
    assert (key, action) == (f"comment-{mine.pk}", "upsert")
    assert "Commentaire supprimé" in data["html"] and "Parti" not in data["html"]


def test_a_comment_waiting_for_moderation_is_not_shown_live(reader_client, published_article):
    article = published_article(slug="modere", discussion=Discussion.PREMODERATED)
    json_post(reader_client, f"/commentaires/{article.pk}/ecrire/", {"text": "Secret en attente"})
    assert all(action == "remove" and "Secret" not in json.dumps(data) for _, action, data in logged(article))


def approve(comment):
    """As a moderator's approval does: saved, then comment_changed, in one transaction."""
    with transaction.atomic():
        comment.status = Status.APPROVED
        comment.published_at = timezone.now()
        comment.save()
        events.comment_changed(comment)


def test_an_approved_comment_reaches_the_next_anonymous_reader(client, published_article, reader, make_comment,
                                                               django_capture_on_commit_callbacks):
    article = published_article(slug="modere", discussion=Discussion.PREMODERATED)
    waiting = make_comment(article, reader, text="Validé par la rédaction", status=Status.PENDING)
    # What the edge asks for and keeps: the thread's block, with its keys.
    block = client.get(fragments.url("commentaires", article.pk), headers={fragments.EDGE_HEADER: fragments.token()})
    kept = block[settings.EDGE_KEYS_HEADER].split()
    assert f"list-comments-{article.pk}" in kept and f"page-{article.pk}" in kept
    assert "Validé par la rédaction" not in block.content.decode()
    since = versions().current()
    slots = versions().slots_of(kept)
    assert versions().fresh(since, slots)
    with django_capture_on_commit_callbacks(execute=True):
        approve(waiting)
    assert not versions().fresh(since, slots), "the kept block is stale once the approval commits"
    again = client.get(fragments.url("commentaires", article.pk), headers={fragments.EDGE_HEADER: fragments.token()})
    assert "Validé par la rédaction" in again.content.decode()
    assert logged(article)[-1][1] == "upsert"
    assert "Validé par la rédaction" in logged(article)[-1][2]["html"]


def test_a_renamed_reader_makes_the_thread_stale(client, article, reader, make_comment, django_capture_on_commit_callbacks):
    make_comment(article, reader)
    block = client.get(fragments.url("commentaires", article.pk), headers={fragments.EDGE_HEADER: fragments.token()})
    kept = block[settings.EDGE_KEYS_HEADER].split()
    assert f"accounts.profile-{reader.profile.pk}" in kept
    since = versions().current()
    with django_capture_on_commit_callbacks(execute=True):
        reader.profile.display_name = "Claire D."
        reader.profile.save()
    assert not versions().fresh(since, versions().slots_of(kept))


def test_only_articles_readers_may_see_have_a_topic(article, published_article):
    topic = topics.find(f"commentaires-{article.pk}")
    assert topic is not None and topic.exists(f"commentaires-{article.pk}")
    restricted = published_article(slug="reserve")
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="x")
    gone = published_article(slug="retire")
    gone.unpublish()
    for name in (f"commentaires-{restricted.pk}", f"commentaires-{gone.pk}", "commentaires-999999", "commentaires-x",
                 "commentaires-99999999999999999999999"):
        found = topics.find(name)
        assert found is None or not found.exists(name), name


def test_a_sections_new_default_makes_its_articles_threads_stale(client, section, published_article,
                                                                 django_capture_on_commit_callbacks):
    article = published_article(slug="herite")
    block = client.get(fragments.url("commentaires", article.pk), headers={fragments.EDGE_HEADER: fragments.token()})
    kept = block[settings.EDGE_KEYS_HEADER].split()
    assert f"page-{section.pk}" in kept
    since = versions().current()
    with django_capture_on_commit_callbacks(execute=True):
        section.comments_default = Discussion.CLOSED
        section.save_revision().publish()
    assert not versions().fresh(since, versions().slots_of(kept))
    assert "Les commentaires sont fermés" in client.get(fragments.url("commentaires", article.pk)).content.decode()
