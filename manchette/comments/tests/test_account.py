"""A reader's comments when their account goes, and in their data download."""

import pytest
from django.db import transaction

from manchette.accounts import data, signals
from manchette.comments.models import Comment, Status


def delete_account(user):
    """As the accounts app deletes one: the signal, then the user, in one transaction."""
    with transaction.atomic():
        signals.account_deleting.send(sender=type(user), user=user)
        user.delete()


@pytest.fixture
def thread_of(article, reader, make_reader, make_comment):
    answered = make_comment(article, reader, text="Avec une réponse")
    make_comment(article, make_reader("Paul Martin"), parent=answered, text="Une réponse")
    Comment.objects.filter(pk=answered.pk).update(reply_count=1)
    alone = make_comment(article, reader, text="Sans réponse")
    return answered, alone


def test_remove_deletes_their_comments_keeping_placeholders_for_replies(client, article, reader, thread_of, settings):
    settings.COMMENTS_ON_ACCOUNT_DELETION = "remove"
    answered, alone = thread_of
    delete_account(reader)
    for comment in (answered, alone):
        comment.refresh_from_db()
        assert (comment.status, comment.text, comment.author) == (Status.DELETED, "", None)
    html = client.get(f"/_fragments/commentaires/{article.pk}/").content.decode()
    assert "Avec une réponse" not in html and "Sans réponse" not in html
    assert "Commentaire supprimé" in html and "Une réponse" in html


def test_anonymise_keeps_them_signed_compte_supprime(client, article, reader, thread_of, settings):
    settings.COMMENTS_ON_ACCOUNT_DELETION = "anonymise"
    delete_account(reader)
    html = client.get(f"/_fragments/commentaires/{article.pk}/").content.decode()
    assert "Avec une réponse" in html and "Sans réponse" in html
    assert html.count("Compte supprimé") == 2 and "Claire Dubois" not in html


def test_their_comments_are_in_their_data_download(reader, thread_of, article):
    exported = data.export(reader)["commentaires"]
    assert [c["texte"] for c in exported["commentaires"]] == ["Avec une réponse", "Sans réponse"]
    assert exported["commentaires"][0]["adresse"] == article.url
    assert exported["signalements"] == []
