"""The agencies' door (POST /api/depeches/) and the fil info in ninjs for partners (/fil-info/ninjs.json)."""

import logging

from django.conf import settings
from django.db import OperationalError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from manchette.edge import keys
from manchette.edge.middleware import share_for
from manchette.filinfo import ninjs as filinfo_ninjs
from manchette.filinfo.events import LIST_KEY
from manchette.filinfo.models import FeedEntry

from .ingest import CREATED, BatchError, ingest_all
from .models import WireSource
from .ninjs import NinjsError, loads

MAX_BODY_BYTES = 1024 * 1024
# Most items one sending may hold (WIRES_MAX_ITEMS): a bigger one is refused whole, before anything is read.
MAX_ITEMS = 500
FEED_SIZE = 50
# Partners poll: a short shared cache spares the database, and a new dispatch shows within this delay.
FEED_CACHE_SECONDS = 30
REALM = 'Bearer realm="manchette"'
# When the database is too busy to finish a sending, the agency is told to send it again after this long.
RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


@csrf_exempt
def receive_wires(request):
    if request.method != "POST":
        response = error(405, "Seule la méthode POST est acceptée.")
        response["Allow"] = "POST"
        return response
    token = bearer_token(request)
    source = WireSource.for_token(token)
    if source is None:
        response = error(401, "Jeton d’accès absent, inconnu ou révoqué.")
        response["WWW-Authenticate"] = f'{REALM}, error="invalid_token"' if token else REALM
        return response
    if not source.active:
        return error(403, "Cette source est désactivée.")
    limit = body_limit()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return error(400, "En-tête Content-Length invalide.")
    if declared > limit:
        return error(413, too_large(limit))
    # Checked again on what is read: a chunked body declares no length.
    body = request.read(limit + 1)
    if len(body) > limit:
        return error(413, too_large(limit))
    try:
        data = loads(body)
    except NinjsError as refused:
        return error(400, str(refused))
    items = data if isinstance(data, list) else [data]
    if not items:
        return error(400, "Aucune dépêche dans l’envoi.")
    most = max_items()
    if len(items) > most:
        return error(413, too_many(most), maximum=most)
    try:
        outcomes = ingest_all(source, items)
    except BatchError as refused:
        extra = {"element": refused.index} if isinstance(data, list) else {}
        return error(400, str(refused.error), field=refused.error.field or None, **extra)
    except OperationalError:
        # The database gave up (SQLite's busy timeout, a lost connection) after earlier slices of the sending
        # were committed: each item is stored whole or not at all, and a resent item already stored is
        # answered « inchangee », so the agency resends everything.
        logger.warning("Envoi de dépêches interrompu par la base (source %s)", source.slug, exc_info=True)
        response = error(503, busy())
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    status = 201 if any(outcome.status == CREATED for outcome in outcomes) else 200
    return JsonResponse({"resultats": [outcome.as_json() for outcome in outcomes]}, status=status, json_dumps_params={"ensure_ascii": False})


def ninjs_feed(request):
    keys.add(LIST_KEY)
    share_for(request, FEED_CACHE_SECONDS)
    entries = FeedEntry.objects.filter(published_at__lte=timezone.now()).order_by("-published_at", "-pk")[:FEED_SIZE]
    response = JsonResponse(filinfo_ninjs.export(entries), safe=False, json_dumps_params={"ensure_ascii": False})
    return response


def body_limit():
    return getattr(settings, "WIRES_MAX_BODY_BYTES", MAX_BODY_BYTES)


def too_large(limit):
    return f"Envoi trop volumineux (au plus {limit} octets)."


def busy():
    return gettext(
        "La base de données n’a pas pu enregistrer tout l’envoi : une partie des dépêches peut l’avoir été. "
        "Renvoyez l’envoi entier plus tard ; une dépêche déjà reçue n’en est pas changée."
    )


def max_items():
    return max(1, int(getattr(settings, "WIRES_MAX_ITEMS", MAX_ITEMS)))


def too_many(limit):
    return gettext("Trop de dépêches dans l’envoi : au plus %(limit)d par envoi.") % {"limit": limit}


def bearer_token(request):
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def error(status, message, field=None, **extra):
    payload = {"erreur": message, "champ": field, **extra}
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
