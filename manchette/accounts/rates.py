"""Fixed-window rate limits counted in Django's cache (shared between processes and machines with REDIS_URL,
per process without it), for what readers do often: comments, newsletter signups.

A rate setting is "5/60,30/3600": five per minute and thirty per hour; an empty setting limits nothing. Every
attempt counts, refused or not, so a flood costs the flooder.
"""

import hashlib
import math
import time

from django.core.cache import cache


def parse(rates):
    """[(count, seconds), …] from "5/60,30/3600"; an empty setting limits nothing."""
    found = []
    for part in (rates or "").split(","):
        if part.strip():
            count, seconds = part.split("/")
            found.append((int(count), int(seconds)))
    return found


def _hit(key, count, seconds, now):
    window = int(now // seconds)
    key = hashlib.sha256(f"{key}:{seconds}:{window}".encode()).hexdigest()
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


def hit(scope, who, rates):
    """Counts one attempt by WHO in SCOPE ("comments-account", …); the seconds to wait when over RATES, else 0."""
    now = time.time()
    return max((_hit(f"rate:{scope}:{who}", count, seconds, now) for count, seconds in parse(rates)), default=0)
