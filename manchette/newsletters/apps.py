from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "manchette.newsletters"
    label = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from manchette.accounts import data, panels, signals
        from manchette.edge import fragments, queries, readers
        from manchette.news import slots
        from manchette.periodic import jobs

        from . import account, subscribing, tasks, views
        from .models import Edition, Newsletter

        # The signup block beside every article: one cached block, the same on every article page, which stays
        # shared; a list offered, renamed or withdrawn reaches every page through the lists' key.
        fragments.register("newsletters", views.block)
        slots.register("article_aside", fragment="newsletters", order=50)
        readers.watch(Newsletter)
        post_save.connect(subscribing.forget_offered, sender=Newsletter, dispatch_uid="newsletters-offered-saved")
        post_delete.connect(subscribing.forget_offered, sender=Newsletter, dispatch_uid="newsletters-offered-deleted")
        # The archive lists sent editions; one that is sent, or changes, reaches it.
        readers.watch(Edition, keys=lambda edition: [views.ARCHIVE_KEY])
        queries.declare("page", path="/newsletters/archives/")
        signals.account_deleting.connect(account.account_deleting, dispatch_uid="newsletters-account-deleting")
        data.register("newsletters", account.export)
        panels.register("newsletters/account_panel.html")
        jobs.every(60, "newsletters")(tasks.run_periodic)
        jobs.at_start(tasks.take_over_sends)
