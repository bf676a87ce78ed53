"""A reader's comments when their account goes (COMMENTS_ON_ACCOUNT_DELETION), and in their data download."""

from django.conf import settings

from . import events
from .models import Comment, Report, Status


def account_deleting(sender, user, **kwargs):
    """In the transaction that deletes USER's account. "remove": their comments are deleted (a placeholder
    stays where replies sit under one); "anonymise": nothing to do, the account's removal leaves them
    signed « Compte supprimé » (the author becomes NULL)."""
    if getattr(settings, "COMMENTS_ON_ACCOUNT_DELETION", "anonymise") != "remove":
        return
    comments = Comment.objects.filter(author=user).exclude(status=Status.DELETED)
    for comment in comments.select_related("article").iterator(chunk_size=500):
        comment.status = Status.DELETED
        comment.text = ""
        comment.featured = False
        comment.save(update_fields=["status", "text", "featured"])
        events.comment_changed(comment)


def export(user):
    """What the site keeps of USER's comments and reports, for their download (accounts/data.py)."""
    comments = Comment.objects.filter(author=user).select_related("article").order_by("created_at")
    reports = Report.objects.filter(reporter=user).order_by("created_at")
    return {
        "commentaires": [
            {
                "id": comment.pk,
                "article": comment.article.title,
                "adresse": comment.article.get_url(),
                "en_reponse_a": comment.parent_id,
                "texte": comment.text,
                "statut": comment.get_status_display(),
                "poste_le": comment.created_at.isoformat(),
                "modifie_le": comment.edited_at.isoformat() if comment.edited_at else None,
                "motif_du_refus": comment.rejection_reason,
            }
            for comment in comments
        ],
        "signalements": [
            {"commentaire": report.comment_id, "motif": report.get_reason_display(), "precisions": report.details,
             "signale_le": report.created_at.isoformat()}
            for report in reports
        ],
    }
