"""Keeps the fil info in step with publishing, and logs every change for the pages that follow it live.

`show(item)` puts a published article or dispatch in the feed (or corrects it there), `withdraw(key)`
takes it out. Both change `FeedEntry` and append an event of the topic `filinfo` to the live log in the
caller's transaction; once it commits, every server process pushes it to open pages (manchette/live).
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page, Site

from manchette.edge import keys, readers
from manchette.live import log

from .models import Dispatch, FeedEntry

TOPIC = "filinfo"
# Carried by every page that lists the fil info (its page, its block, its feeds): each change invalidates it.
LIST_KEY = keys.list_of("filinfo")
UPSERT = "upsert"
REMOVE = log.REMOVE
# Items a rebuild tells open pages of, each way: the newest, which are those pages show.
TOLD_AT_MOST = 200


def entry_key(item):
    return f"{'depeche' if isinstance(item, Dispatch) else 'article'}-{item.pk}"


def show(item):
    """Adds an article or dispatch readers may see to the feed, or updates it there; withdraws it otherwise."""
    from manchette.news.models import Article
    from manchette.news.visibility import is_visible

    if not (is_visible(item) if isinstance(item, Article) else item.live):
        return withdraw(entry_key(item))
    with transaction.atomic():
        fields = entry_fields(item)
        first_shown = {"published_at": fields.pop("published_at")}
        # An item keeps its place in the feed when corrected: cursors handed to readers stay valid.
        entry, created = FeedEntry.objects.update_or_create(
            key=entry_key(item), defaults=fields, create_defaults={**fields, **first_shown}
        )
        log.append(TOPIC, entry.key, UPSERT, event_data(entry))
        if created:
            changed_here(entry)
        else:
            changed(entry)
    return entry


def withdraw(key):
    with transaction.atomic():
        entry = FeedEntry.objects.filter(key=key).first()
        if entry is not None:
            entry.delete()
            log.append(TOPIC, key, REMOVE, {"key": key})
            changed(entry)
    return entry is not None


def changed(entry):
    """Once committed, no cached page may keep ENTRY as it was: the edge's, nor a CDN's in front."""
    changed_here(entry)
    transaction.on_commit(lambda: purge_from_cdn(entry))


def changed_here(entry):
    # New items reach a CDN's copies when they expire (views.FEED_MAX_AGE), and open pages live; the edge
    # drops its own at once, which costs one render of the block.
    readers.changed([LIST_KEY, keys.path(entry.url)])


def purge_from_cdn(entry):
    """Purges the fil info's pages and feeds, and a dispatch's own page (an article purges its own on publish)."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    paths = [reverse(f"filinfo:{name}") for name in ("feed", "block", "rss", "atom")] + [reverse("wires:ninjs_feed")]
    if entry is not None and entry.kind == FeedEntry.DISPATCH:
        paths.append(entry.url)
    batch = PurgeBatch()
    batch.add_urls(site.root_url + path for path in paths)
    batch.purge()


def entry_fields(item, section_title=None):
    now = timezone.now()
    if isinstance(item, Dispatch):
        return {
            "kind": FeedEntry.DISPATCH, "dispatch": item, "published_at": item.first_published_at or now,
            "updated_at": item.last_published_at or now, "important": item.important, "title": item.title,
            "text": item.text, "source": item.source, "url": item.get_absolute_url(), "section": "",
        }
    if section_title is None:
        parent = item.get_parent()
        section_title = parent.title if parent else ""
    return {
        "kind": FeedEntry.ARTICLE, "article": item, "published_at": item.first_published_at or now,
        "updated_at": item.last_published_at or now, "important": False, "title": item.title,
        "text": item.lead, "source": "", "url": item.get_url(), "section": section_title,
    }


def rebuild(tell=False):
    """Makes the feed match what readers may see. The demo loader, bulk imports and repairs log nothing; a
    change above articles (a section closed or opened again, a restriction) TELLs open pages what went and
    what came, and a replay then never gives back what went.
    """
    from manchette.news.models import Section, visible_articles

    sections = dict(Section.objects.values_list("path", "title"))
    wanted = {}
    for article in visible_articles().defer("body").iterator(chunk_size=2000):
        wanted[entry_key(article)] = entry_fields(article, sections.get(article.path[: -Page.steplen], ""))
    for dispatch in Dispatch.objects.filter(live=True):
        wanted[entry_key(dispatch)] = entry_fields(dispatch)
    with transaction.atomic():
        gone = FeedEntry.objects.filter(article__isnull=False).exclude(article__in=visible_articles().values("pk"))
        gone = gone | FeedEntry.objects.filter(dispatch__isnull=False).exclude(dispatch__live=True)
        # Open pages show the newest items: they are told of those; replays forget every item that went.
        told = list(gone.order_by("-published_at").values_list("key", flat=True)[:TOLD_AT_MOST]) if tell else []
        if tell:
            log.forget(TOPIC, gone.values("key"))
        gone.delete()
        existing = set(FeedEntry.objects.values_list("key", flat=True))
        added = FeedEntry.objects.bulk_create(
            (FeedEntry(key=key, **fields) for key, fields in wanted.items() if key not in existing), batch_size=2000
        )
        for key in reversed(told):
            log.append(TOPIC, key, REMOVE, {"key": key})
        if tell:
            for entry in sorted(added, key=lambda entry: entry.published_at)[-TOLD_AT_MOST:]:
                log.append(TOPIC, entry.key, UPSERT, event_data(entry))
        readers.changed([LIST_KEY])
    return len(wanted)


def event_data(entry):
    """What an open page needs to show the entry: its HTML in the block and on the feed page."""
    context = {"item": entry}
    return {
        "key": entry.key,
        "important": entry.important,
        "published": entry.published_at.isoformat(),
        "block": render_to_string("filinfo/includes/item.html", context).strip(),
        "page": render_to_string("filinfo/includes/entry.html", context).strip(),
    }
