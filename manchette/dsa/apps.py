from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DsaConfig(AppConfig):
    name = "manchette.dsa"
    label = "dsa"
    verbose_name = _("Règlement sur les services numériques")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from manchette.accounts import data, panels
        from manchette.comments import actions, audit, moderation
        from manchette.periodic import jobs

        from . import account, retention, statements

        # « Signaler un contenu illicite » beside each comment's « Signaler ».
        actions.register("dsa/includes/comment_link.html")
        # Each removal's author gets the statement of reasons, which says all the old rejection e-mail said.
        audit.decided.connect(statements.on_decided, dispatch_uid="dsa-statements")
        moderation.replace_rejection_notice()
        panels.register("dsa/account_panel.html")
        data.register("decisions_de_moderation", account.export)
        # Notices, statements and reviews past DSA_RETENTION_DAYS go, once a day.
        jobs.every(24 * 3600, "dsa-retention")(retention.purge_expired)
