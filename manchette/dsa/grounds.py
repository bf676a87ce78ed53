"""The texts of law behind each legal ground a notice may name (models.Ground), as the statement of reasons cites
them (Art. 17(3)(d): the legal ground relied on), and the references the notices and statements are known by."""

import secrets

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from .models import Ground

LAWS = {
    Ground.HATE: _("loi du 30 juillet 1981 tendant à réprimer certains actes inspirés par le racisme ou la xénophobie ; "
                   "loi du 10 mai 2007 tendant à lutter contre certaines formes de discrimination"),
    Ground.DENIAL: _("loi du 23 mars 1995 tendant à réprimer la négation, la minimisation, la justification ou "
                     "l’approbation du génocide commis par le régime national-socialiste allemand pendant la seconde "
                     "guerre mondiale"),
    Ground.HARASSMENT: _("article 442bis du Code pénal"),
    Ground.DEFAMATION: _("articles 443 et suivants du Code pénal (calomnie, diffamation, injure)"),
    Ground.PRIVACY: _("règlement (UE) 2016/679 (RGPD) ; loi du 30 juillet 2018 relative à la protection des personnes "
                      "physiques à l’égard des traitements de données à caractère personnel"),
    Ground.COPYRIGHT: _("livre XI du Code de droit économique (propriété intellectuelle)"),
    Ground.CHILD_ABUSE: _("Code pénal (infractions sexuelles à l’égard des mineurs) ; directive 2011/93/UE"),
}

# Child sexual abuse material may be notified without a name or an address (Art. 16(2)(c)).
ANONYMOUS_ALLOWED = frozenset({Ground.CHILD_ABUSE})

# Unambiguous letters and digits (no 0/O, 1/I/L): a reference is read aloud or typed again from an e-mail.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def cited(ground):
    """GROUND as a statement names it: its label, and the law it falls under when the site can name one."""
    label = str(Ground(ground).label)
    law = LAWS.get(ground)
    return _t("%(label)s (%(law)s)") % {"label": label, "law": law} if law else label


def new_reference(prefix):
    """PREFIX-XXXX-XXXX: random (a reference says nothing of how many notices the site receives), 31⁸ of them."""
    letters = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{prefix}-{letters[:4]}-{letters[4:]}"
