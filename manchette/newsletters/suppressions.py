"""What ends sending to an address: a bounce (at once, or read back later from the bounce mailbox), a complaint,
a reader leaving every list. Each is recorded on the suppression list that every send and import respects."""

from django.db import transaction
from django.utils import timezone

from .models import Delivery, DeliveryStatus, Subscriber, Subscription, Suppression


@transaction.atomic
def bounced(address, detail="", delivery_id=None):
    """ADDRESS refused mail for good (5xx, or a failed delivery status notification)."""
    Suppression.add(address, Suppression.Reason.BOUNCED, detail)
    if delivery_id is not None:
        Delivery.objects.filter(pk=delivery_id).exclude(status=DeliveryStatus.BOUNCED).update(
            status=DeliveryStatus.BOUNCED, error=detail[:300])


@transaction.atomic
def complained(address, detail=""):
    """ADDRESS's owner marked a message as spam (a feedback report): nothing more goes to it."""
    Suppression.add(address, Suppression.Reason.COMPLAINED, detail)
    leave_all(Subscriber.objects.filter(email=address.strip().lower()).first(), suppress=False)


def leave(subscriber, newsletter):
    """SUBSCRIBER leaves one list; effective for every message not yet sent."""
    Subscription.objects.filter(subscriber=subscriber, newsletter=newsletter, active=True).update(
        active=False, ended_at=timezone.now())


@transaction.atomic
def leave_all(subscriber, suppress=True):
    if subscriber is None:
        return
    Subscription.objects.filter(subscriber=subscriber, active=True).update(active=False, ended_at=timezone.now())
    if suppress:
        Suppression.add(subscriber.email, Suppression.Reason.UNSUBSCRIBED)
