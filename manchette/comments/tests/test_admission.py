"""A process works on few writes at once: the others wait their turn, or get a French 503 and change nothing."""

import threading

from manchette.comments.models import Comment
from manchette.edge import admission

from .conftest import json_post


def test_a_write_that_finds_every_turn_taken_waits_then_gets_a_503_and_saves_nothing(settings, reader_client, article):
    settings.SERVER_CONCURRENT_WRITES = 1
    settings.SERVER_WRITE_WAIT_SECONDS = 0.2
    turn = admission.gate()
    assert turn.acquire(timeout=1), "a write of another thread is being worked on"
    try:
        answer = json_post(reader_client, f"/commentaires/{article.pk}/ecrire/", {"text": "Refusé, faute de place."})
    finally:
        turn.release()
    assert answer.status_code == 503 and answer["Retry-After"] == "5"
    assert "Réessayez" in answer.content.decode()
    assert not Comment.objects.exists()
    answer = json_post(reader_client, f"/commentaires/{article.pk}/ecrire/", {"text": "Accepté, son tour venu."})
    assert answer.status_code == 201 and Comment.objects.count() == 1


def test_a_write_waits_for_a_turn_that_frees_up(settings, reader_client, article):
    settings.SERVER_CONCURRENT_WRITES = 1
    settings.SERVER_WRITE_WAIT_SECONDS = 10
    turn = admission.gate()
    turn.acquire()
    threading.Timer(0.3, turn.release).start()
    answer = json_post(reader_client, f"/commentaires/{article.pk}/ecrire/", {"text": "Patient."})
    assert answer.status_code == 201


def test_reads_never_wait(settings, client, article):
    settings.SERVER_CONCURRENT_WRITES = 1
    settings.SERVER_WRITE_WAIT_SECONDS = 0.1
    turn = admission.gate()
    turn.acquire()
    try:
        assert client.get(article.url).status_code == 200
    finally:
        turn.release()
