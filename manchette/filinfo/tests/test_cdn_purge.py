"""A CDN or Varnish in front (WAGTAILFRONTENDCACHE) is told when the fil info changes what it may have kept."""

import pytest

from .factories import correct, publish_dispatch

FEED_URLS = {
    "http://localhost/fil-info/",
    "http://localhost/fil-info/bloc/",
    "http://localhost/fil-info/rss/",
    "http://localhost/fil-info/atom/",
    "http://localhost/fil-info/ninjs.json",
}

pytestmark = pytest.mark.django_db


def test_a_corrected_dispatch_is_purged_with_the_feed_pages(home, varnish, django_capture_on_commit_callbacks):
    dispatch = publish_dispatch()
    with django_capture_on_commit_callbacks(execute=True):
        correct(dispatch, title="Coupure de courant à Namur : retour à la normale")
    assert set(varnish) == FEED_URLS | {f"http://localhost{dispatch.get_absolute_url()}"}


def test_a_withdrawn_dispatch_is_purged_with_the_feed_pages(home, varnish, django_capture_on_commit_callbacks):
    dispatch = publish_dispatch()
    url = f"http://localhost{dispatch.get_absolute_url()}"
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.unpublish()
    assert set(varnish) == FEED_URLS | {url}


def test_a_new_dispatch_purges_nothing(home, varnish, django_capture_on_commit_callbacks):
    # New items reach open pages live, and the feed pages are kept 10 s only.
    with django_capture_on_commit_callbacks(execute=True):
        publish_dispatch()
    assert varnish == []
