"""Le fil info's pages: the whole feed, the block alone (for open pages that must reload it), each dispatch."""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from manchette.edge import keys
from manchette.edge.middleware import share_for

from . import events, feed
from .models import FeedEntry

# New items reach the feed without making cached pages stale (events.py): pages that list them are only
# shared this long. Open pages do not wait for it: live.js brings them the new items.
FEED_MAX_AGE = 10


def feed_url(tab=feed.TOUS, before=None):
    params = {"onglet": tab} if tab != feed.TOUS else {}
    if before:
        params["avant"] = before
    return reverse("filinfo:feed") + (f"?{urlencode(params)}" if params else "")


def feed_page(request):
    tab = feed.parse_tab(request.GET.get("onglet", feed.TOUS))
    before = request.GET.get("avant")
    page = feed.feed_page(tab, before)
    keys.add(events.LIST_KEY)
    share_for(request, FEED_MAX_AGE)
    return render(request, "filinfo/feed_page.html", {
        "feed": page,
        "canonical": feed_url(tab, before),
        "tabs": [(feed.UNE, _("La Une"), feed_url(feed.UNE)), (feed.TOUS, _("Tous"), feed_url(feed.TOUS))],
        "older_url": feed_url(tab, page.older) if page.older else None,
        "latest_url": None if page.is_latest else feed_url(tab),
    })


def ticker(request, arg=""):
    keys.add(events.LIST_KEY)
    return render_to_string("filinfo/includes/ticker.html", {"filinfo": feed.latest_items()}, request)


def block(request):
    share_for(request, FEED_MAX_AGE)
    response = HttpResponse(ticker(request))
    response["X-Robots-Tag"] = "noindex"
    return response


def dispatch_page(request, pk, slug):
    keys.add(events.LIST_KEY)
    entry = (
        FeedEntry.objects.filter(kind=FeedEntry.DISPATCH, dispatch_id=pk)
        .select_related("dispatch__article__hero_image")
        .defer("dispatch__article__body")
        .first()
    )
    if entry is None:
        raise Http404(_("Cette dépêche n’existe pas ou a été retirée."))
    if request.path != entry.url:
        # The title, hence the slug, was corrected since: the link someone shared still leads here.
        return redirect(entry.url, permanent=True)
    return render(request, "filinfo/dispatch_page.html", {
        "entry": entry,
        "dispatch": entry.dispatch,
        "breadcrumb": [{"title": _("Le fil info"), "url": reverse("filinfo:feed")}],
        "filinfo": feed.latest_items(),
    })
