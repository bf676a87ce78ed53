"""Blocks that many pages show, rendered and cached once, and put into each page by the edge (as ESI does).

An app registers a block with `register(name, render)`, `render(request, arg)` returning its HTML, and
templates place it with `{% fragment name arg %}` (edge_tags). When the edge asks for a page (it sends a
header holding a secret token), the tag leaves a marker where the block goes; the edge keeps the page
around the markers, fetches each block from `/_fragments/<name>/<arg>/` (kept in its cache with its own
keys), and stores the assembled page whole. Anyone else (Django without the edge, a logged-in editor) gets
the block rendered in place, and the page then carries the block's keys itself.

A change to a block (a new headline, a dispatch) renders the block once; the pages showing it are put
together again from what the edge holds, without asking Django.
"""

import functools
import re

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import mark_safe

EDGE_HEADER = "x-manchette-edge"
PREFIX = "/_fragments/"
_blocks = {}
_graced = set()


def register(name, render, *, grace=False):
    """GRACE: while the block is rendered again after a change, readers who come meanwhile may get its previous
    rendering (at most a few seconds old) rather than wait — for a block that changes many times a minute and
    whose open pages get each change live anyway (the comments). Never for what must disappear at once."""
    _blocks[name] = render
    if grace:
        _graced.add(name)
    else:
        _graced.discard(name)


def graced(path):
    """Whether the block at PATH (/_fragments/<name>/…) was registered with grace."""
    return path.startswith(PREFIX) and path[len(PREFIX):].split("/", 1)[0] in _graced


@functools.cache
def _token(secret):
    return salted_hmac("manchette.edge.fragments", "assemble", secret=secret).hexdigest()[:24]


def token():
    """Known to the edge and Django only: a reader cannot make Django leave markers in a page."""
    return _token(settings.SECRET_KEY)


def marker_pattern():
    return re.compile(rb"<!--edge:" + token().encode() + rb" (" + re.escape(PREFIX.encode()) + rb"[\w/.-]+)-->")


def url(name, arg=""):
    return f"{PREFIX}{name}/{arg}/" if arg != "" else f"{PREFIX}{name}/"


def assembled_by_edge(request):
    return request.headers.get(EDGE_HEADER) == token()


def include(request, name, arg=""):
    if name not in _blocks:
        raise ValueError(f"No fragment named {name!r}: apps register theirs with edge.fragments.register().")
    if request is not None and assembled_by_edge(request):
        request.edge_fragments = True
        return mark_safe(f"<!--edge:{token()} {escape(url(name, arg))}-->")
    return _blocks[name](request, str(arg))


def view(request, name, arg=""):
    render = _blocks.get(name)
    if render is None:
        raise Http404
    response = HttpResponse(render(request, arg), content_type="text/html; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response
