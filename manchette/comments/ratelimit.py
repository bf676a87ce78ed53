"""How often a reader may write: per account and per address, in fixed windows counted in Django's cache
(shared between processes and machines with REDIS_URL, per process without it), as accounts/middleware.py
counts password resets.

The rates are settings read at each call (the benchmark raises them): "5/60,30/3600" is five per minute and
thirty per hour. Every attempt to write counts, refused or not, so a flood costs the flooder.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

from manchette.accounts.throttle import network

PER_ACCOUNT = "5/60,30/3600"
PER_ADDRESS = "20/60"


def parse(rates):
    """[(count, seconds), …] from "5/60,30/3600"; an empty setting limits nothing."""
    found = []
    for part in (rates or "").split(","):
        if part.strip():
            count, seconds = part.split("/")
            found.append((int(count), int(seconds)))
    return found


def _hit(scope, who, count, seconds, now):
    window = int(now // seconds)
    key = "comments-rate:" + hashlib.sha256(f"{scope}:{who}:{seconds}:{window}".encode()).hexdigest()
    if cache.add(key, 1, timeout=seconds + 1):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # the window ended between the two calls
            cache.add(key, 1, timeout=seconds + 1)
            used = 1
    if used > count:
        return max(1, math.ceil((window + 1) * seconds - now))
    return 0


def check(request):
    """Counts this attempt to write; the seconds to wait when over a limit, else 0."""
    now = time.time()
    wait = 0
    who = [("account", request.user.pk, getattr(settings, "COMMENTS_RATE_PER_ACCOUNT", PER_ACCOUNT)),
           ("address", network(request.META.get("REMOTE_ADDR", "")), getattr(settings, "COMMENTS_RATE_PER_ADDRESS", PER_ADDRESS))]
    for scope, key, rates in who:
        for count, seconds in parse(rates):
            wait = max(wait, _hit(scope, key, count, seconds, now))
    return wait
