"""How often signups are taken: per network address (NEWSLETTER_SIGNUP_RATE_PER_ADDRESS, answered with a 429
page) and per e-mail address (NEWSLETTER_SIGNUP_RATE_PER_EMAIL, silent: the page says the same, only no mail
goes out, so the limit tells nobody whether an address is known), in fixed windows counted in Django's cache
(shared between processes with REDIS_URL), as comments/ratelimit.py counts comments.

Rates are settings read at each call: "10/600,50/86400" is ten per ten minutes and fifty a day.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

from manchette.accounts.throttle import network


def parse(rates):
    """[(count, seconds), …] from "10/600,50/86400"; an empty setting limits nothing."""
    found = []
    for part in (rates or "").split(","):
        if part.strip():
            count, seconds = part.split("/")
            found.append((int(count), int(seconds)))
    return found


def _hit(scope, who, count, seconds, now):
    window = int(now // seconds)
    key = "newsletters-rate:" + hashlib.sha256(f"{scope}:{who}:{seconds}:{window}".encode()).hexdigest()
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


def _check(scope, who, rates):
    now = time.time()
    return max([_hit(scope, who, count, seconds, now) for count, seconds in parse(rates)], default=0)


def per_address(request):
    """Counts this signup from REQUEST's network address; the seconds to wait when over the limit, else 0."""
    return _check("address", network(request.META.get("REMOTE_ADDR", "")), settings.NEWSLETTER_SIGNUP_RATE_PER_ADDRESS)


def per_email(address):
    """Counts one confirmation e-mail to ADDRESS (normalized); True while it may be sent."""
    return _check("email", address, settings.NEWSLETTER_SIGNUP_RATE_PER_EMAIL) == 0
