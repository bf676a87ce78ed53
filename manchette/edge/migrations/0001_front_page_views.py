from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="PageViews",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("page_id", models.PositiveIntegerField()),
                ("hour", models.DateTimeField()),
                ("views", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "vues d’une page par heure",
                "verbose_name_plural": "vues des pages par heure",
                "indexes": [models.Index(fields=["hour"], name="edge_pageviews_hour")],
                "constraints": [models.UniqueConstraint(fields=("page_id", "hour"), name="edge_pageviews_page_hour")],
            },
        ),
    ]
