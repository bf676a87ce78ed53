"""Staff accounts made by an administrator (createsuperuser, the admin, the demo) log in through allauth,
whose mandatory confirmation wants a verified e-mail address: theirs was given by whoever made the account."""

from allauth.account.models import EmailAddress
from django.db.models.signals import post_save


def verify_email(user):
    """Marks USER's e-mail address as verified and primary (nothing if the account has none, or if another
    account has it)."""
    if not user.email or EmailAddress.objects.filter(email__iexact=user.email).exclude(user=user).exists():
        return None
    address, _ = EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True},
    )
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(primary=False)
    return address


def verify_new_superuser(sender, instance, created, raw=False, **kwargs):
    """createsuperuser, on a machine that may send no e-mail yet: its address is taken as it was typed."""
    if created and not raw and instance.is_superuser:
        verify_email(instance)


def connect():
    from django.contrib.auth import get_user_model

    post_save.connect(verify_new_superuser, sender=get_user_model(), dispatch_uid="accounts.verify_new_superuser")
