"""The newsletters' metrics, counted in the database when the metrics are scraped (operations/metrics.py)."""

from django.db.models import Count, Q
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from .models import Delivery, DeliveryStatus


def collect():
    """Messages sent and bounced (deliveries of editions still kept), and those waiting: deferred after a failure
    that may pass, or not tried yet."""
    rows = Delivery.objects.aggregate(
        sent=Count("id", filter=Q(status=DeliveryStatus.SENT)),
        bounced=Count("id", filter=Q(status=DeliveryStatus.BOUNCED)),
        failed=Count("id", filter=Q(status=DeliveryStatus.FAILED)),
        deferred=Count("id", filter=Q(status=DeliveryStatus.QUEUED, attempts__gt=0)),
        waiting=Count("id", filter=Q(status__in=(DeliveryStatus.QUEUED, DeliveryStatus.SENDING), attempts=0)),
    )
    found = []
    for name, text in (
        ("sent", "Messages de newsletter acceptés par le serveur SMTP."),
        ("bounced", "Messages de newsletter revenus en erreur (adresse exclue depuis)."),
        ("failed", "Messages de newsletter abandonnés après le dernier essai."),
    ):
        family = CounterMetricFamily(f"manchette_newsletter_messages_{name}", text)
        family.add_metric([], rows[name])
        found.append(family)
    for name, text in (
        ("deferred", "Messages de newsletter différés après un échec passager, à réessayer."),
        ("waiting", "Messages de newsletter pas encore essayés."),
    ):
        family = GaugeMetricFamily(f"manchette_newsletter_messages_{name}", text)
        family.add_metric([], rows[name])
        found.append(family)
    return found
