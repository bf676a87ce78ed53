"""The keys of what a page shows, collected while Django renders it; the edge stores the page under them.

Three kinds of key, all plain tokens a CDN accepts in a Surrogate-Key header:
- `page-<id>`, `<app>.<model>-<id>`: one object shown (a headline, a byline, an image). Collected without
  asking anyone: every instance of a watched model (readers.py) or of a page loaded while rendering adds
  its key. A change to the object reaches every page that showed it.
- `list-<name>`: which objects a list holds (a section's articles, a tag's, the fil info). Views add them
  (`add()`); a change of membership (publishing, unpublishing, moving, retagging) invalidates them.
- `path-<hash>`: the URL itself, so that an answer kept for a URL (a 404) goes when something takes it.

Collection starts once the view is known: for Wagtail pages after routing (which loads the home page
and the sections on the way, whose changes an article page does not show).
"""

import contextvars
import hashlib

from django.db.models.signals import post_init
from wagtail.models import Page

_collector = contextvars.ContextVar("edge_keys", default=None)
TOP_DEPTH = 2
_model_prefixes = {}


class Keys(set):
    active = False


def start(request):
    """Gives REQUEST an empty set of keys, filled once collection is switched on (`collect`)."""
    request.edge_keys = keys = Keys()
    return _collector.set(keys)


def stop(token):
    _collector.reset(token)


def collect(request):
    keys = getattr(request, "edge_keys", None)
    if keys is not None:
        keys.active = True


def add(*keys):
    collected = _collector.get()
    if collected is not None:
        collected.update(keys)


def of(instance):
    if isinstance(instance, Page):
        return f"page-{instance.pk}"
    return f"{instance._meta.label_lower}-{instance.pk}"


def list_of(name):
    return f"list-{name}"


def path(url_path):
    """The key of a URL path; trailing slashes do not count, as Wagtail's redirects ignore them."""
    normal = url_path.rstrip("/") or "/"
    return "path-" + hashlib.blake2b(normal.encode(), digest_size=8).hexdigest()


def watch_instances(*models):
    for model in models:
        _model_prefixes[model] = f"{model._meta.label_lower}-"


def _loaded(sender, instance, **kwargs):
    collected = _collector.get()
    if collected is None or not collected.active or instance.pk is None:
        return
    if isinstance(instance, Page):
        # The tree's root and the sites' home pages are loaded to build any page's URL (Wagtail's site
        # root paths): what they show themselves reaches the page that shows it by its own key.
        if instance.__dict__.get("depth", TOP_DEPTH + 1) > TOP_DEPTH:
            collected.add(f"page-{instance.pk}")
    else:
        prefix = _model_prefixes.get(sender)
        if prefix is not None:
            collected.add(f"{prefix}{instance.pk}")


def connect():
    post_init.connect(_loaded, dispatch_uid="edge-keys-loaded")
