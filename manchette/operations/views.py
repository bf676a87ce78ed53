"""`/sante/` (liveness: the process answers) and `/sante/pret/` (readiness: health.py), in JSON.

Never kept: `never_cache` marks them private and no-store, so neither the edge cache (which keeps only what
Django marked public) nor a browser or a CDN stores them. They read nothing of the request and set no cookie:
the same answer for anyone who asks.
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health

READY = "ok"
NOT_READY = "indisponible"


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


@never_cache
@require_safe
def liveness(request):
    return _json({"statut": READY})


@never_cache
@require_safe
def readiness(request):
    results = health.readiness()
    ready = health.ready(results)
    response = _json(
        {"statut": READY if ready else NOT_READY, "verifications": {name: result.as_json() for name, result in results.items()}},
        status=200 if ready else 503,
    )
    # A 503 here is the answer asked for, not a fault: Django would log it as an error at every poll, and that
    # log would become an error report (sentry.py).
    response._has_been_logged = True
    return response
