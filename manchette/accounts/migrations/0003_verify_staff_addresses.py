"""Staff accounts that logged in through Wagtail's login before allauth's: their e-mail addresses, given by an
administrator, are taken as verified, so mandatory confirmation does not lock the newsroom out."""

from django.db import migrations
from django.db.models import Q


def verify(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    staff = User.objects.filter(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__isnull=False)).exclude(email="").distinct()
    for user in staff:
        # An address another account already has stays unverified here (allauth keeps verified ones unique).
        taken = EmailAddress.objects.filter(email__iexact=user.email).exists()
        if not taken and not EmailAddress.objects.filter(user=user).exists():
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_security_settings"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(verify, migrations.RunPython.noop)]
