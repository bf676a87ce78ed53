import re

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "manchette.comments"
    label = "comments"
    verbose_name = _("Commentaires")

    def ready(self):
        from manchette.accounts import data, signals
        from manchette.accounts.models import Profile
        from manchette.edge import fragments, queries, readers
        from manchette.live import topics
        from manchette.news import slots
        from manchette.periodic import jobs

        from . import account, retention, thread, views
        from .models import Comment

        # The thread is one cached block per article, under every article page (which stays shared).
        fragments.register("commentaires", views.fragment, grace=True)
        slots.register("article_below", template="comments/slot.html", order=50)
        # What the pages of comments read (views.py): the edge keys them by these and drops the rest.
        queries.declare("tri", "page", "partiel", path=re.compile(r"/commentaires/\d+/"))
        queries.declare("page", path=re.compile(r"/commentaires/reponses/\d+/"))
        readers.watch(Comment, keys=lambda comment: [thread.list_key(comment.article_id)])
        # The name shown with each comment: a reader who renames themself is renamed in every thread.
        if Profile not in readers.watched():
            readers.watch(Profile)
        topics.register("commentaires-", family=True, exists=thread.topic_exists)
        signals.account_deleting.connect(account.account_deleting, dispatch_uid="comments-account-deleting")
        data.register("commentaires", account.export)
        jobs.every(3600, "comments-retention")(retention.purge_rejected)
