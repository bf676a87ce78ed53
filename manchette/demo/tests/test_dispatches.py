"""The demo's dispatches: loaded once by load_demo, even into a newspaper loaded before they existed."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from manchette.demo import dispatches
from manchette.filinfo.models import Dispatch, FeedEntry
from manchette.live.models import Event
from manchette.news.models import Story


def test_load_demo_adds_the_dispatches_once_and_fills_the_feed(client, published_article):
    story = Story.objects.create(title="Le tunnel", slug="tunnel-porte-verte")
    published_article(slug="ancien", story=story, first_published_at=timezone.now() - datetime.timedelta(days=3))
    latest = published_article(slug="recent", story=story, first_published_at=timezone.now() - datetime.timedelta(days=1))
    FeedEntry.objects.all().delete()  # as in a newspaper loaded before the fil info existed
    events = Event.objects.count()

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "déjà chargé" in out.getvalue()
    live = Dispatch.objects.filter(live=True)
    assert 25 <= live.count() <= 35 and Dispatch.objects.filter(live=False).count() == 1
    entries = FeedEntry.objects.all()
    assert entries.filter(kind=FeedEntry.DISPATCH).count() == live.count()
    assert entries.filter(kind=FeedEntry.ARTICLE).count() == 2, "the articles are back in the feed"
    assert Event.objects.count() == events, "loading the demo tells no open page"

    now = timezone.now()
    assert all(now - datetime.timedelta(days=2) <= d.first_published_at <= now for d in live)
    assert 5 <= live.filter(important=True).count() < live.count()
    assert {dispatches.AMI, dispatches.PPP} <= set(live.values_list("source", flat=True))
    assert all(not any(word in source.lower() for word in ("belga", "afp", "reuters")) for source in live.values_list("source", flat=True))
    tunnel = live.filter(title__startswith="Tunnel de la Porte-Verte")
    assert tunnel.exists() and all(d.article_id == latest.pk for d in tunnel)
    corrected = [d for d in live if d.last_published_at > d.first_published_at]
    assert corrected and all(d.live_revision_id == d.latest_revision_id for d in live)

    before = (Dispatch.objects.count(), list(entries.order_by("pk").values_list("pk", "key")))
    call_command("load_demo", verbosity=0)
    assert (Dispatch.objects.count(), list(entries.order_by("pk").values_list("pk", "key"))) == before

    page = client.get("/fil-info/").content.decode()
    assert "Tunnel de la Porte-Verte" in page and "Conférence de presse du gouvernement" not in page
    assert client.get(live.first().get_absolute_url()).status_code == 200


def test_demo_titles_and_texts_are_distinct_and_short():
    titles = [spec.title for spec in dispatches.DISPATCHES]
    assert len(set(titles)) == len(titles)
    assert all(len(spec.title) <= 200 and len(spec.text) <= 1200 for spec in dispatches.DISPATCHES)
    assert all(2 <= spec.text.count(".") <= 4 for spec in dispatches.DISPATCHES if not spec.draft)
