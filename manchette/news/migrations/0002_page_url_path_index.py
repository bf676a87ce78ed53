from django.db import migrations


class Migration(migrations.Migration):
    """Articles are routed by one lookup on their URL path, which Wagtail does not index."""

    dependencies = [("news", "0001_initial"), ("wagtailcore", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS manchette_page_url_path ON wagtailcore_page (url_path)",
            "DROP INDEX IF EXISTS manchette_page_url_path",
        )
    ]
