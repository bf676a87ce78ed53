"""What readers see, declared by the apps that own it: the registry the edge cache consults to invalidate.

An app declares from its AppConfig.ready():
- `watch(Model, …, keys=fn)`: models whose changes readers see. Once a save or a delete commits, the keys
  `fn(instance)` returns are invalidated (by default the instance's own key and its model's list key);
  `fn` returns EVERYTHING when the reach cannot be named. Loading an instance while rendering adds its key
  to the page (keys.py).
- `watch_pages(PageModel, lists=fn)`: the lists a page of that type belongs to beyond its ancestors' (its
  tags, authors, story). Publishing a page invalidates its own key and its URL's; when it enters or leaves
  lists (first publication, unpublishing, moving, a change of what `fn` returns), those lists' keys too.

Wagtail pages of every type are handled here: publishing, unpublishing, moving, or creating a page already
live (demo loader, scripts). A draft saved as a revision reaches no reader and changes nothing.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import keys as edge_keys
from .invalidation import invalidate, invalidate_all

EVERYTHING = object()
# Every publication, correction, withdrawal or move of any page: for what search and sitemaps show.
PUBLISHED = "published"
_watched = {}
_page_lists = {}


def default_keys(instance):
    return [edge_keys.of(instance), edge_keys.list_of(instance._meta.label_lower)]


def watch(*models, keys=default_keys):
    for model in models:
        _watched[model] = keys
    edge_keys.watch_instances(*models)


def watch_pages(model, lists):
    _page_lists[model] = lists


def watched():
    return frozenset(_watched)


def changed(keys, since=None):
    """Once the current transaction commits, no cached page showing one of KEYS (or EVERYTHING) is fresh.

    SINCE: when the change was due to reach readers (a publication), for the metrics."""
    if keys is EVERYTHING:
        transaction.on_commit(lambda: invalidate_all(since=since))
    else:
        keys = frozenset(keys)
        transaction.on_commit(lambda: invalidate(keys, since=since))


def page_lists(page):
    """The list keys of the lists PAGE is in: its ancestors' (sections, home page) and those its type declares."""
    found = {edge_keys.list_of(f"page-{pk}") for pk in page.get_ancestors().filter(depth__gt=1).values_list("pk", flat=True)}
    found.add(edge_keys.list_of(page.specific_class._meta.label_lower))
    lists = _page_lists.get(page.specific_class)
    if lists is not None:
        found.update(lists(page.specific))
    return found


def page_keys(page, *, lists):
    found = {edge_keys.of(page), edge_keys.list_of(PUBLISHED)}
    found.update(edge_keys.path(url) for url in page_urls(page))
    if lists:
        found.update(page_lists(page))
    return found


def page_urls(page):
    return [path for path in (public_path(page.url_path),) if path]


def public_path(url_path):
    """The path readers use for a page's tree path (`url_path`), under the site whose root holds it."""
    from wagtail.models import Site

    for root in Site.objects.values_list("root_page__url_path", flat=True):
        if root and url_path and url_path.startswith(root):
            return "/" + url_path[len(root):]
    return None


def before_save(sender, instance, update_fields=None, **kwargs):
    # What lists a live page was in before this save, to tell a correction from a change of membership.
    # Wagtail publishes with a full save; a draft or an autosave names its fields, and is not read back.
    if update_fields is not None or not isinstance(instance, Page) or instance.pk is None or instance.specific_class is None:
        return
    before = instance.specific_class.objects.filter(pk=instance.pk, live=True).first()
    instance._edge_lists_before = page_lists(before) if before is not None else None


def saved(sender, instance, created, **kwargs):
    keys = _watched.get(sender)
    if keys is not None:
        changed(keys(instance))
    elif created and isinstance(instance, Page) and instance.live:
        # Pages reach readers through page_published, except one created live at once.
        changed(page_keys(instance, lists=True))


def deleted(sender, instance, **kwargs):
    keys = _watched.get(sender)
    if keys is not None:
        changed(keys(instance))


def published(instance, revision=None, **kwargs):
    before = getattr(instance, "_edge_lists_before", None)
    keys = page_keys(instance, lists=False)
    after = page_lists(instance)
    if before != after:
        keys |= after | (before or set())
    changed(keys, since=due(instance, revision))


def due(page, revision):
    """When a publication was due: its scheduled time (the revision still holds it in memory while Wagtail
    publishes it, though the row is cleared), or now."""
    return getattr(revision, "approved_go_live_at", None) or page.last_published_at


def unpublished(instance, **kwargs):
    changed(page_keys(instance, lists=True))


def moved(instance, parent_page_before=None, url_path_before="", **kwargs):
    keys = page_keys(instance, lists=True)
    if parent_page_before is not None:
        old_parents = parent_page_before.get_ancestors(inclusive=True).filter(depth__gt=1).values_list("pk", flat=True)
        keys.update(edge_keys.list_of(f"page-{pk}") for pk in old_parents)
    old_path = public_path(url_path_before)
    if old_path:
        keys.add(edge_keys.path(old_path))
    changed(keys)


def connect():
    """Called once, by the edge app: every save and delete is checked against what apps declared."""
    edge_keys.connect()
    pre_save.connect(before_save, dispatch_uid="edge-readers-before")
    post_save.connect(saved, dispatch_uid="edge-readers-saved")
    post_delete.connect(deleted, dispatch_uid="edge-readers-deleted")
    page_published.connect(published, dispatch_uid="edge-readers-page-published")
    page_unpublished.connect(unpublished, dispatch_uid="edge-readers-page-unpublished")
    post_page_move.connect(moved, dispatch_uid="edge-readers-page-moved")
