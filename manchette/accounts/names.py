"""The name a reader is shown under, and the rules a name typed in a form must follow.

Every account has a Profile: readers get theirs at signup (adapter.py); staff created in the admin or by a
command get one the first time their name is needed, so a missing profile never turns into an error.
"""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import Profile

MIN_LENGTH, MAX_LENGTH = 2, 80


def profile_of(user):
    try:
        return user.profile
    except Profile.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            profile = Profile.objects.create(user=user, display_name=default_name(user))
    except IntegrityError:  # made meanwhile by another request of the same user
        profile = Profile.objects.get(user=user)
    user.profile = profile
    return profile


def display_name(user):
    """READER_DISPLAY_NAME: what the masthead and the comments show for USER."""
    return profile_of(user).display_name


def default_name(user):
    """A staff account's first and last name as Django has them, else its username, made a valid name."""
    for candidate in (user.get_full_name(), user.get_username()):
        try:
            return clean_name(candidate)
        except ValidationError:
            continue
    return _("Lecteur")


def policy():
    return "pseudonym" if settings.READER_NAME_POLICY == "pseudonym" else "full_name"


def is_invisible(char):
    """Control characters, and the invisible ones that format text: zero-width spaces and joiners, marks
    that override the direction of text (which can make a name read backwards), the byte order mark."""
    return unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def clean_name(value, *, min_length=MIN_LENGTH, max_length=MAX_LENGTH):
    """VALUE as a name: NFC, spaces collapsed, trimmed; refused with a French message if it holds control or
    invisible characters, is too short or too long, or has no letter nor digit."""
    value = unicodedata.normalize("NFC", value or "")
    if any(is_invisible(char) for char in value if char not in "\t\n\r"):
        raise ValidationError(_("Le nom ne peut pas contenir de caractères de contrôle ni de caractères invisibles."))
    value = " ".join(value.split())
    if len(value) < min_length:
        raise ValidationError(_("Le nom doit compter au moins %(min)d caractères.") % {"min": min_length}
                              if min_length > 1 else _("Ce champ est obligatoire."))
    if len(value) > max_length:
        raise ValidationError(_("Le nom doit compter au plus %(max)d caractères.") % {"max": max_length})
    if not any(unicodedata.category(char)[0] in "LN" for char in value):
        raise ValidationError(_("Le nom doit contenir au moins une lettre ou un chiffre."))
    return value


def full_name(first_name, last_name):
    """« Prénom Nom », as dailies print their readers' names; refused if the whole is not a valid name."""
    return clean_name(f"{first_name} {last_name}")
