"""The query parameters reader pages read, declared by the apps that own them: the rest never reaches a page.

An app declares from its AppConfig.ready() `declare("page")` (on every path: Wagtail pages live anywhere),
or `declare("q", "tri", path="/recherche/")` (that path, and the same without its trailing slash, which
Django redirects to it), or with `path=re.compile(…)` (paths that match it whole).

For a read the edge may answer (app.py: GET or HEAD of a reader page), the query string is cut down to the
declared parameters, in one canonical form: sorted by name, each once with the last value given (what
`request.GET.get` reads), percent-encoded alike however it came (`q=a+b` and `q=a%20b` are one page).
That is both the cache's key and the query Django renders with, so no page kept under a shared key can
depend on a parameter it was not keyed by. Tracking links (`utm_source`, `fbclid`…) and made-up parameters
then get the page everyone gets, and a flood of them adds nothing to the cache. The admin, other methods,
the agencies' endpoint and the live stream (handled before the edge) keep their whole query.
"""

import re
from urllib.parse import quote, unquote_to_bytes

_everywhere = set()
_by_path = {}
_by_pattern = []
# Canonical forms of the short query strings seen lately, by path: a hit costs one dict lookup.
_MEMO_SIZE = 4096
_MEMO_QUERY_BYTES = 256
_memo = {}


def declare(*names, path=None):
    """NAMES are read by the pages at PATH (a path, or a compiled pattern matching whole paths), or everywhere."""
    if path is None:
        _everywhere.update(names)
    elif isinstance(path, re.Pattern):
        _by_pattern.append((path, frozenset(names)))
    else:
        for variant in {path, path.rstrip("/") or "/"}:
            _by_path.setdefault(variant, set()).update(names)
    _memo.clear()


def declared(path):
    """The parameter names pages at PATH read."""
    names = set(_everywhere)
    names.update(_by_path.get(path, ()))
    for pattern, pattern_names in _by_pattern:
        if pattern.fullmatch(path):
            names.update(pattern_names)
    return names


def canonical(path, query_string):
    """QUERY_STRING (bytes) reduced to the parameters pages at PATH read, in canonical form."""
    if not query_string:
        return b""
    if len(query_string) > _MEMO_QUERY_BYTES:
        return _canonical(declared(path), query_string)
    memo_key = (path, query_string)
    found = _memo.get(memo_key)
    if found is None:
        found = _canonical(declared(path), query_string)
        if len(_memo) >= _MEMO_SIZE:
            _memo.clear()
        _memo[memo_key] = found
    return found


def _canonical(names, query_string):
    if not names:
        return b""
    kept = {}
    # As Django's QueryDict reads it: pairs separated by `&`, `+` for a space, UTF-8 with replacement.
    for pair in query_string.split(b"&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition(b"=")
        name = _decoded(raw_name)
        if name in names:
            kept[name] = _decoded(raw_value)  # the last one wins, as request.GET.get reads it
    return "&".join(f"{quote(name, safe='')}={quote(kept[name], safe='')}" for name in sorted(kept)).encode("ascii")


def _decoded(raw):
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "replace")
