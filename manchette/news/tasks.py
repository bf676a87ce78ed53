from django.core.management import call_command
from django_tasks import task


@task()
def publish_scheduled_pages():
    """Publish what fell due and unpublish what expired; Wagtail's signals then purge the caches."""
    call_command("publish_scheduled", verbosity=0)
