"""Error reports to Sentry, or any service that speaks its protocol (GlitchTip, Bugsink…), when SENTRY_DSN is set.

Started by the app (apps.py) in every process that loads Django: servers, worker, commands. A report says what
failed and where, never who was reading: the SDK is told to send nothing personal (send_default_pii=False,
no request bodies, no local variables, which hold what readers typed), and scrub() goes over each event before
it leaves: cookies, authorization and forwarding headers, request bodies and the request's environment go,
the user is reduced to an id, query values and the keys links carry (signed tokens, password reset keys) are
taken out of the URL, Redis breadcrumbs keep their command without its key, and any e-mail or IP address left
in a message, a URL or a breadcrumb is replaced.
"""

import importlib.metadata
import ipaddress
import re

from django.conf import settings

REMOVED = "[retiré]"
# Headers that carry who asks: their values go, their names stay (it helps to know a cookie was sent).
PERSONAL_HEADERS = frozenset({
    "cookie", "set-cookie", "authorization", "proxy-authorization", "x-api-key", "x-forwarded-for", "x-real-ip",
    "forwarded", "cf-connecting-ip", "true-client-ip", "x-client-ip",
})
# Also percent-encoded, as in a query string (lecteur%40example.com).
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
# Candidates only, ipaddress decides: IPv4-mapped IPv6, dotted quads (a port or a full stop may follow, not a
# fifth number), runs of hex digits with two colons or more.
IP_CANDIDATE = re.compile(
    r"(?<![\w.:])(?:[0-9A-Fa-f]{0,4}:){2,6}\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)"
    r"|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)"
    r"|(?<![\w.:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%\w+)?(?![\w.:])"
)
# A path segment that holds a key: signed values (Django's signing puts colons in them), or a long run of letters
# and digits (a password reset key); a slug's words are shorter, between hyphens.
TOKEN_SEGMENT = re.compile(r"[^/]*:[^/]*|[^/]*(?=[A-Za-z_]*\d)[A-Za-z0-9_]{16,}[^/]*")
QUERY_VALUE = re.compile(r"=[^&]*")


def start():
    """Starts the SDK when SENTRY_DSN is set; True if it did."""
    if not settings.SENTRY_DSN:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        release=settings.SENTRY_RELEASE or release(),
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub,
        before_send_transaction=scrub,
    )
    return True


def release():
    return f"manchette@{importlib.metadata.version('manchette')}"


def scrub(event, hint=None):
    """EVENT without what would say who was reading."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "env"):
            request.pop(key, None)
        # What a reader searched for, the address a link was for, a key in a link from an e-mail.
        if request.get("query_string"):
            request["query_string"] = QUERY_VALUE.sub("=" + REMOVED, request["query_string"])
        if isinstance(request.get("url"), str):
            request["url"] = _without_keys(request["url"])
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: REMOVED if name.lower() in PERSONAL_HEADERS else value for name, value in headers.items()
            }
    breadcrumbs = event.get("breadcrumbs")
    for crumb in breadcrumbs.get("values", ()) if isinstance(breadcrumbs, dict) else ():
        if crumb.get("category") == "redis":
            # Cache keys name what they count, a reader's address or e-mail address hashed (accounts/middleware.py):
            # the command alone is kept.
            data = crumb.get("data") or {}
            crumb["message"] = data.get("redis.command", "")
            crumb["data"] = {key: value for key, value in data.items() if key != "redis.key"}
    user = event.get("user")
    if isinstance(user, dict):
        if user.get("id") is None:
            event.pop("user")
        else:
            event["user"] = {"id": user["id"]}
    return _without_addresses(event)


def _without_keys(url):
    scheme, separator, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme}{separator}{host}{slash}" + TOKEN_SEGMENT.sub(REMOVED, path)


def _without_addresses(value):
    if isinstance(value, str):
        return IP_CANDIDATE.sub(_ip_removed, EMAIL.sub(REMOVED, value))
    if isinstance(value, dict):
        return {key: _without_addresses(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_addresses(item) for item in value]
    return value


def _ip_removed(match):
    try:
        ipaddress.ip_address(match.group(0).split("%")[0])
    except ValueError:
        return match.group(0)
    return REMOVED
