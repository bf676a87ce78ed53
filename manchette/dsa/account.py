"""What a reader's account shows and exports of the notice-and-action procedure: the statements of reasons they
received (with the way to ask for a review while it is open) and the notices they sent while logged in."""

from django.utils import timezone

from . import statements
from .models import Notice, Review, Statement


def statements_of(user, limit=20):
    """USER's latest statements, each with `.review` (or None) and `.open_for_review`."""
    found = list(Statement.objects.filter(author=user).order_by("-created_at")[:limit])
    asked = {review.statement_id: review for review in Review.objects.filter(statement__in=found)}
    now = timezone.now()
    for statement in found:
        statement.asked = asked.get(statement.pk)
        statement.open_for_review = statement.asked is None and now <= statements.deadline(statement)
    return found


def export(user):
    return {
        "exposes_des_motifs": [
            {"reference": s.reference, "commentaire": s.comment_number, "article": s.article_title, "date": s.created_at.isoformat(),
             "fondement": s.get_basis_display(), "motif": s.ground, "faits": s.facts,
             "detection_automatisee": s.automated_detection, "decision_automatisee": s.automated_decision,
             "reexamen": s.asked.get_status_display() if s.asked else None}
            for s in statements_of(user, limit=None)
        ],
        "signalements_envoyes": [
            {"reference": n.reference, "commentaire": n.comment_number, "motif": n.get_ground_display(), "explication": n.explanation,
             "date": n.created_at.isoformat(), "etat": n.get_status_display()}
            for n in Notice.objects.filter(sender=user).order_by("-created_at")
        ],
    }
