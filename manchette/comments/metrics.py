"""The comments' metrics, counted in the database when the metrics are scraped (operations/metrics.py)."""

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from .models import Comment, Status


def collect():
    """Comments posted (those still kept), held for a moderator and since when, and moderated by one, by outcome."""
    posted = CounterMetricFamily("manchette_comments_posted", "Commentaires postés (encore conservés, quel que soit leur statut).")
    posted.add_metric([], Comment.objects.count())
    pending = Comment.objects.filter(status=Status.PENDING).aggregate(count=Count("id"), oldest=Min("created_at"))
    held = GaugeMetricFamily("manchette_comments_held", "Commentaires en attente d’un modérateur.")
    held.add_metric([], pending["count"])
    waiting = GaugeMetricFamily(
        "manchette_comments_held_oldest_age_seconds", "Depuis quand attend le plus ancien commentaire en attente."
    )
    waiting.add_metric([], (timezone.now() - pending["oldest"]).total_seconds() if pending["oldest"] else 0)
    moderated = CounterMetricFamily(
        "manchette_comments_moderated", "Commentaires décidés par un modérateur, par statut actuel.", labels=["status"]
    )
    rows = Comment.objects.filter(moderated_by__isnull=False).values("status").annotate(count=Count("id")).order_by("status")
    for row in rows:
        moderated.add_metric([row["status"]], row["count"])
    return [posted, held, waiting, moderated]
