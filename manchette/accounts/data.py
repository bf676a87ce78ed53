"""What a reader downloads of their account (/compte/donnees/): the account itself, and what other apps keep of
theirs, registered here by name (the comments app registers "commentaires"), so accounts imports none of them."""

from allauth.account.models import EmailAddress

from . import names

_sections = {}


def register(name, fn):
    """FN(user) returns JSON-able data, shown under NAME in the download."""
    _sections[name] = fn


def account_data(user):
    profile = names.profile_of(user)
    return {
        "nom_affiche": profile.display_name,
        "prenom": user.first_name,
        "nom": user.last_name,
        "nom_utilisateur": user.get_username(),
        "adresses_email": [
            {"adresse": address.email, "principale": address.primary, "verifiee": address.verified}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "inscription": user.date_joined.isoformat(),
        "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
        "choix": {"avertir_des_reponses": profile.notify_replies},
    }


def export(user):
    return {"compte": account_data(user), **{name: fn(user) for name, fn in sorted(_sections.items())}}
