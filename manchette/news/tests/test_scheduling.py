import datetime
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from manchette.news.models import Article

from .factories import ArticleFactory, SectionFactory


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_article_goes_live_when_the_worker_runs_at_its_time(home):
    section = SectionFactory()
    article = ArticleFactory(parent=section, live=False, first_published_at=None, last_published_at=None)
    go_live = timezone.now() + datetime.timedelta(seconds=2)
    article.go_live_at = go_live
    article.save_revision(approved_go_live_at=go_live)

    task = DBTaskResult.objects.get(task_path="manchette.news.tasks.publish_scheduled_pages")
    assert abs((task.run_after - go_live).total_seconds()) < 0.01

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert not Article.objects.get(pk=article.pk).live
    assert Client().get(article.url_path[len(home.url_path) - 1:]).status_code == 404

    time.sleep(max(0, (go_live - timezone.now()).total_seconds()) + 0.2)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    article.refresh_from_db()
    assert article.live
    assert Client().get(article.url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_an_expiring_article_is_unpublished_on_time(home):
    article = ArticleFactory(parent=SectionFactory())
    article.expire_at = timezone.now() + datetime.timedelta(seconds=1)
    article.save_revision().publish()
    url = article.url
    assert Client().get(url).status_code == 200

    time.sleep(1.2)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    article.refresh_from_db()
    assert not article.live
    assert Client().get(url).status_code == 404
