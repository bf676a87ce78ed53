import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("news", "0006_stories_ascii_slugs"),
    ]

    operations = [
        migrations.AddField(
            model_name="section",
            name="share_image",
            field=models.ForeignKey(
                blank=True,
                help_text="Montrée lors du partage des articles de la rubrique qui n’ont pas d’image, et de la rubrique elle-même.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="news.newsimage",
                verbose_name="image de partage",
            ),
        ),
    ]
