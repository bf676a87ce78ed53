"""A reader's newsletters and their account: the preferences link on /compte/, their data download, and the
deletion of what the newsletters keep of them when the account goes."""

from allauth.account.models import EmailAddress
from django.urls import reverse

from . import links
from .models import Subscriber, normalize_email


def subscriber_of(user):
    """The Subscriber linked to USER, else the one of a verified address of theirs, else None."""
    if user is None or not user.is_authenticated:
        return None
    found = Subscriber.objects.filter(user=user).first()
    if found is None:
        verified = [normalize_email(address) for address in
                    EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)]
        found = Subscriber.objects.filter(email__in=verified).first() if verified else None
    return found


def preferences_url(user):
    subscriber = subscriber_of(user)
    if subscriber is None:
        return None
    return reverse("newsletters:preferences", args=[links.subscriber_token(subscriber)])


def account_deleting(sender, user, **kwargs):
    """In the transaction that deletes USER's account: their subscriber goes, subscriptions and consents with it
    (an address on the suppression list stays there, as a hash)."""
    verified = [normalize_email(address) for address in
                EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)]
    Subscriber.objects.filter(user=user).delete()
    if verified:
        Subscriber.objects.filter(email__in=verified, user__isnull=True).delete()


def export(user):
    """What the newsletters keep of USER, for their download (accounts/data.py)."""
    subscriber = subscriber_of(user)
    if subscriber is None:
        return None
    return {
        "adresse": subscriber.email,
        "inscrit_le": subscriber.created_at.isoformat(),
        "confirme_le": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "abonnements": [
            {
                "newsletter": subscription.newsletter.name,
                "actif": subscription.active,
                "consentement_le": subscription.consented_at.isoformat(),
                "origine": subscription.source,
                "texte_accepte": subscription.consent_text,
                "desabonne_le": subscription.ended_at.isoformat() if subscription.ended_at else None,
            }
            for subscription in subscriber.subscriptions.select_related("newsletter").order_by("consented_at")
        ],
    }
