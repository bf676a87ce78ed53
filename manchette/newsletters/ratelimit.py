"""How often signups are taken: per network address (NEWSLETTER_SIGNUP_RATE_PER_ADDRESS, answered with a 429
page) and per e-mail address (NEWSLETTER_SIGNUP_RATE_PER_EMAIL, silent: the page says the same, only no mail
goes out, so the limit tells nobody whether an address is known), in fixed windows (accounts/rates.py).

Rates are settings read at each call: "10/600,50/86400" is ten per ten minutes and fifty a day.
"""

from django.conf import settings

from manchette.accounts import rates
from manchette.accounts.throttle import network


def per_address(request):
    """Counts this signup from REQUEST's network address; the seconds to wait when over the limit, else 0."""
    return rates.hit("newsletters-address", network(request.META.get("REMOTE_ADDR", "")),
                     settings.NEWSLETTER_SIGNUP_RATE_PER_ADDRESS)


def per_email(address):
    """Counts one confirmation e-mail to ADDRESS (normalized); True while it may be sent."""
    return rates.hit("newsletters-email", address, settings.NEWSLETTER_SIGNUP_RATE_PER_EMAIL) == 0
