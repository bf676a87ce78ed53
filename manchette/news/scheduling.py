"""Scheduled publishing with no cron: each scheduled time becomes a task the worker runs on time."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Revision
from wagtail.signals import page_published

from .tasks import publish_scheduled_pages


def schedule_at(when):
    transaction.on_commit(lambda: publish_scheduled_pages.using(run_after=when).enqueue())


@receiver(post_save, sender=Revision)
def schedule_publication(sender, instance, **kwargs):
    if instance.approved_go_live_at is not None:
        schedule_at(instance.approved_go_live_at)


@receiver(page_published)
def schedule_expiry(sender, instance, **kwargs):
    if instance.expire_at is not None:
        schedule_at(instance.expire_at)
