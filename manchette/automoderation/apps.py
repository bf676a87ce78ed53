from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class AutoModerationConfig(AppConfig):
    name = "manchette.automoderation"
    label = "automoderation"
    verbose_name = _("Modération automatique")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from manchette.comments import screening
        from manchette.periodic import jobs

        from . import classifier, rules, trust, trust_admin

        # Trust first: the rules read it (a trusted reader's links are not held), then the words, then the score.
        for check in (trust.check, rules.check, classifier.check):
            screening.register(check)
        trust_admin.install()
        # Learn again from the moderators' latest decisions, once a day (COMMENTS_CLASSIFIER_TRAIN_HOURS, 0: never).
        hours = settings.COMMENTS_CLASSIFIER_TRAIN_HOURS
        if hours > 0:
            jobs.every(int(hours * 3600), "automoderation-training")(classifier.retrain)
