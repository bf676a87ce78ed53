"""How many requests that write (POST, PUT, PATCH, DELETE) each server process works on at once.

Django runs each request in a thread of its own. A flood of writes — readers posting comments during a big
story — would otherwise put dozens of busy threads beside the event loop that answers readers from the
cache, and Python's lock on the interpreter would hand the loop a sliver of the processor: the cached pages
everybody reads would slow down for the sake of the few who write. Writes beyond SERVER_CONCURRENT_WRITES
wait here, in a thread that costs nothing while it waits (the body has already been read), for at most
SERVER_WRITE_WAIT_SECONDS; then they get a French 503 with Retry-After, having changed nothing.
"""

import threading

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

READS = frozenset({"GET", "HEAD", "OPTIONS"})
_gate = None
_gate_size = None
_gate_lock = threading.Lock()


def gate():
    global _gate, _gate_size
    size = settings.SERVER_CONCURRENT_WRITES
    with _gate_lock:
        if _gate is None or _gate_size != size:
            _gate, _gate_size = threading.BoundedSemaphore(size), size
        return _gate


class WriteAdmissionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READS or settings.SERVER_CONCURRENT_WRITES <= 0:
            return self.get_response(request)
        turn = gate()
        if not turn.acquire(timeout=settings.SERVER_WRITE_WAIT_SECONDS):
            response = HttpResponse(
                _("Le site reçoit trop d’envois en ce moment. Réessayez dans quelques secondes."),
                status=503, content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "5"
            response["Cache-Control"] = "no-store"
            return response
        try:
            return self.get_response(request)
        finally:
            turn.release()
