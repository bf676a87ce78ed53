"""Scheduled publishing with no cron: each scheduled time becomes a task the worker runs on time."""

from django.db import transaction
from django.db.models.signals import post_save
from wagtail.models import Revision
from wagtail.signals import page_published

from .tasks import publish_scheduled_pages


def schedule_at(when):
    transaction.on_commit(lambda: publish_scheduled_pages.using(run_after=when).enqueue())


def schedule_publication(sender, instance, **kwargs):
    if instance.approved_go_live_at is not None:
        schedule_at(instance.approved_go_live_at)


def schedule_expiry(sender, instance, **kwargs):
    if instance.expire_at is not None:
        schedule_at(instance.expire_at)


def register():
    post_save.connect(schedule_publication, sender=Revision, dispatch_uid="news-schedule-publication")
    page_published.connect(schedule_expiry, dispatch_uid="news-schedule-expiry")
