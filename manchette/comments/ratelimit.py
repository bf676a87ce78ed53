"""How often a reader may write: per account and per address, in fixed windows counted in Django's cache
(accounts/rates.py).

The rates are settings read at each call (the benchmark raises them): "5/60,30/3600" is five per minute and
thirty per hour. Every attempt to write counts, refused or not, so a flood costs the flooder.
"""

from django.conf import settings

from manchette.accounts import rates
from manchette.accounts.throttle import network

PER_ACCOUNT = "5/60,30/3600"
PER_ADDRESS = "20/60"


def check(request):
    """Counts this attempt to write; the seconds to wait when over a limit, else 0."""
    address = network(request.META.get("REMOTE_ADDR", ""))
    return max(rates.hit("comments-account", request.user.pk, getattr(settings, "COMMENTS_RATE_PER_ACCOUNT", PER_ACCOUNT)),
               rates.hit("comments-address", address, getattr(settings, "COMMENTS_RATE_PER_ADDRESS", PER_ADDRESS)))
