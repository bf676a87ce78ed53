"""Joining and leaving lists, as readers do it: a signup confirmed by e-mail (double opt-in), at once for a
logged-in reader whose address is verified, and the choices of the preferences page.

Every consent is recorded on its Subscription: when, from where (the article's path, « page newsletters »,
« préférences »…) and the text the reader was shown. An anonymous signup never says whether the address was
known: the same page for a new address, one waiting for its confirmation, one already subscribed, one on the
suppression list; the e-mail alone (sent to the mailbox, not shown to whoever typed it) differs.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from . import links, ratelimit
from .models import Frequency, Newsletter, Signup, Subscriber, Subscription, Suppression, email_hash, normalize_email

log = logging.getLogger(__name__)

MAX_EMAIL = 254
INVALID_EMAIL = gettext_lazy("Cette adresse e-mail n’est pas valable : vérifiez-la (par exemple prenom@exemple.be).")
_validator = EmailValidator()


def clean_email(value):
    """VALUE as stored (normalized), or ValidationError with a French message: Django's EmailValidator, no
    line break or control character anywhere (header injection), at most 254 characters."""
    if not isinstance(value, str):
        raise ValidationError(INVALID_EMAIL, code="invalid")
    address = normalize_email(value)
    if not address or len(address) > MAX_EMAIL or any(ord(c) < 32 or ord(c) == 127 for c in address):
        raise ValidationError(INVALID_EMAIL, code="invalid")
    try:
        _validator(address)
    except ValidationError:
        raise ValidationError(INVALID_EMAIL, code="invalid") from None
    return address


def frequency_label(newsletter):
    """How often NEWSLETTER goes out, in French: « Chaque jour à 7 h », « Chaque samedi à 8 h 30 »,
    « Selon l’actualité »."""
    if newsletter.frequency == Frequency.MANUAL:
        return _("Selon l’actualité")
    sent = newsletter.send_time
    if isinstance(sent, str):  # a default not yet read back from the database
        hours, minutes = (int(part) for part in sent.split(":")[:2])
    else:
        hours, minutes = sent.hour, sent.minute
    time = f"{hours}\u00a0h" + (f"\u00a0{minutes:02d}" if minutes else "")
    if newsletter.frequency == Frequency.WEEKLY:
        from .models import Weekday

        return _("Chaque %(day)s à %(time)s") % {"day": Weekday(newsletter.weekday).label, "time": time}
    return _("Chaque jour à %(time)s") % {"time": time}


OFFERED_CACHE_KEY = "newsletters-offered"


def offered():
    """The lists the block under articles offers, as (pk, name): kept in Django's cache until a list changes
    (apps.py), so the article pages Django renders itself read nothing more for the block."""
    found = cache.get(OFFERED_CACHE_KEY)
    if found is None:
        found = list(Newsletter.objects.filter(active=True, offered_on_articles=True).values_list("pk", "name"))
        cache.set(OFFERED_CACHE_KEY, found, timeout=None)
    return [{"pk": pk, "name": name} for pk, name in found]


def forget_offered(**kwargs):
    # Now, and again once committed (a render between the two would have read the old rows).
    cache.delete(OFFERED_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(OFFERED_CACHE_KEY))


def verified_email(user):
    """USER's primary address if allauth has it verified, else None."""
    from allauth.account.models import EmailAddress

    found = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary").values_list("email", flat=True).first()
    return normalize_email(found) if found else None


def _subscriber(address):
    """The Subscriber of ADDRESS, made (unconfirmed) if new; safe when two signups make it at once."""
    subscriber = Subscriber.objects.filter(email=address).first()
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=address)
    except IntegrityError:
        return Subscriber.objects.get(email=address)


def _join(subscriber, newsletters, source, consent_text, now):
    """SUBSCRIBER's consent to each of NEWSLETTERS, recorded now (again, for a list already joined: the latest
    consent is the one that counts)."""
    for newsletter in newsletters:
        Subscription.objects.update_or_create(
            subscriber=subscriber, newsletter=newsletter,
            defaults={"active": True, "consented_at": now, "source": source[:200], "consent_text": consent_text, "ended_at": None},
        )


def _proven(subscriber, now):
    """The mailbox of SUBSCRIBER answered (a link followed, a verified account): it is confirmed, and its
    address leaves the suppression list (a new consent, proven, outweighs the old refusal)."""
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["confirmed_at"])
    Suppression.objects.filter(email_hash=email_hash(subscriber.email)).delete()


def request_signup(email, newsletters, source, consent_text, user=None):
    """An anonymous signup (or one whose reader chose another address than their account's): a Signup waiting
    for its link, and the confirmation e-mail sent once the transaction commits. Returns nothing that tells
    whether the address was known. ValidationError for an address that is not one."""
    address = clean_email(email)
    newsletters = [newsletter for newsletter in newsletters if newsletter.active]
    if not newsletters:
        return
    with transaction.atomic():
        subscriber = _subscriber(address)
        if user is not None and subscriber.user_id is None and verified_email(user) == address:
            subscriber.user = user
            subscriber.save(update_fields=["user"])
        signup = Signup.objects.create(
            subscriber=subscriber, newsletter_ids=sorted(newsletter.pk for newsletter in newsletters),
            source=source[:200], consent_text=consent_text,
        )
        # Silent limit: the page answers the same; only the mailbox is spared a flood.
        if not ratelimit.per_email(address):
            log.info("newsletters: confirmation to %s held back (rate per e-mail)", subscriber.pk)
            return
        # An address whose owner complained is not written to on anyone's request.
        if Suppression.objects.filter(email_hash=email_hash(address), reason=Suppression.Reason.COMPLAINED).exists():
            return
        transaction.on_commit(lambda: send_confirmation.enqueue(signup.pk))


def subscribe_user(user, newsletters, source, consent_text):
    """A logged-in reader with a verified address joins NEWSLETTERS at once (their account proves the mailbox).
    Returns the Subscriber, or None when the account has no verified address (then the e-mail way applies)."""
    address = verified_email(user)
    if address is None:
        return None
    newsletters = [newsletter for newsletter in newsletters if newsletter.active]
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(user=user).first()
        if subscriber is None:
            subscriber = _subscriber(address)
            if subscriber.user_id not in (None, user.pk):
                return None
            if subscriber.user_id is None:
                subscriber.user = user
                subscriber.save(update_fields=["user"])
        elif subscriber.email != address and not Subscriber.objects.filter(email=address).exists():
            # The account's address changed since: newsletters follow it.
            subscriber.email = address
            subscriber.save(update_fields=["email"])
        _proven(subscriber, now)
        _join(subscriber, newsletters, source, consent_text, now)
        ids = [newsletter.pk for newsletter in newsletters]
        transaction.on_commit(lambda: send_welcome.enqueue(subscriber.pk, ids))
    return subscriber


class AlreadyConfirmed(Exception):
    def __init__(self, subscriber):
        self.subscriber = subscriber


def confirm(signup_id):
    """Follows a confirmation link: the Signup's lists become the subscriber's, once. Returns (subscriber, the
    lists joined); AlreadyConfirmed when the link was used before; Signup.DoesNotExist when it names nothing."""
    now = timezone.now()
    with transaction.atomic():
        signup = Signup.objects.select_for_update().select_related("subscriber").get(pk=signup_id)
        subscriber = signup.subscriber
        if signup.confirmed_at is not None:
            raise AlreadyConfirmed(subscriber)
        signup.confirmed_at = now
        signup.save(update_fields=["confirmed_at"])
        newsletters = list(Newsletter.objects.filter(pk__in=signup.newsletter_ids, active=True))
        _proven(subscriber, now)
        _join(subscriber, newsletters, signup.source, signup.consent_text, now)
        ids = [newsletter.pk for newsletter in newsletters]
        transaction.on_commit(lambda: send_welcome.enqueue(subscriber.pk, ids))
    return subscriber, newsletters


def set_preferences(subscriber, wanted, source, consent_text):
    """SUBSCRIBER's lists become WANTED (active lists): the others are left, the new ones joined with their
    consent recorded. Following the e-mailed link proves the mailbox, which confirms it."""
    now = timezone.now()
    wanted_ids = {newsletter.pk for newsletter in wanted}
    with transaction.atomic():
        current = set(Subscription.objects.filter(subscriber=subscriber, active=True).values_list("newsletter_id", flat=True))
        Subscription.objects.filter(subscriber=subscriber, active=True, newsletter__active=True).exclude(
            newsletter_id__in=wanted_ids).update(active=False, ended_at=now)
        new = [newsletter for newsletter in wanted if newsletter.pk not in current]
        if wanted:
            _proven(subscriber, now)
        _join(subscriber, new, source, consent_text, now)


def subscriptions_of(subscriber):
    return set(Subscription.objects.filter(subscriber=subscriber, active=True).values_list("newsletter_id", flat=True))


# --- the e-mails -------------------------------------------------------------------------------------------------

def _send(subject, template, context, to, headers=None):
    context = {"site": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"newsletters/email/{template}.txt", context),
        from_email=settings.NEWSLETTER_FROM_EMAIL, to=[to], headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"newsletters/email/{template}.html", context), "text/html")
    message.send()


@task()
def send_confirmation(signup_id):
    signup = Signup.objects.select_related("subscriber").filter(pk=signup_id, confirmed_at__isnull=True).first()
    if signup is None:
        return False
    newsletters = list(Newsletter.objects.filter(pk__in=signup.newsletter_ids))
    _send(
        _("Confirmez votre inscription aux newsletters — %(site)s") % {"site": settings.SITE_NAME},
        "confirm",
        {"url": links.confirm_url(signup), "newsletters": newsletters, "hours": settings.NEWSLETTER_CONFIRM_HOURS},
        signup.subscriber.email,
    )
    return True


@task()
def send_welcome(subscriber_id, newsletter_ids):
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or not newsletter_ids:
        return False
    newsletters = list(Newsletter.objects.filter(pk__in=newsletter_ids, subscriptions__subscriber=subscriber,
                                                 subscriptions__active=True))
    if not newsletters:
        return False
    unsubscribe = links.unsubscribe_url(subscriber)
    _send(
        _("Bienvenue : vos newsletters — %(site)s") % {"site": settings.SITE_NAME},
        "welcome",
        {"newsletters": [(newsletter, frequency_label(newsletter)) for newsletter in newsletters],
         "preferences": links.preferences_url(subscriber), "unsubscribe": unsubscribe},
        subscriber.email,
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    return True
