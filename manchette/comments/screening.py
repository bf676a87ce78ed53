"""The checks a comment goes through before it is saved, and what they decide.

comments does not know the checks themselves: the apps that make them (manchette/moderation: rules, trust, the
classifier) register them here when Django starts, in order, and `screen` runs them all on each new or edited
comment. A check adds flags (the rule, what matched, hold or reject), sets the classifier's score, or says whether
the author is trusted (skips pre-moderation) or under pre-moderation (lost trust). A check that fails holds the
comment for a moderator rather than letting it through or losing it.
"""

import logging
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

HOLD, REJECT, NOTE = "hold", "reject", "note"
_SCREENS = []


@dataclass
class Submission:
    user: object
    article: object
    text: str
    parent: object = None
    # The comment being edited, None for a new one.
    comment: object = None
    now: object = field(default_factory=timezone.now)


@dataclass
class Found:
    rule: str
    label: str
    action: str
    matched: str = ""


@dataclass
class Verdict:
    flags: list = field(default_factory=list)
    score: float | None = None
    # The author skips pre-moderation (trusted), or goes through it even on open articles (trust lost).
    trusted: bool = False
    premoderated: bool = False

    def add(self, rule, label, action, matched=""):
        self.flags.append(Found(rule, str(label), action, str(matched)[:200]))

    @property
    def rejected(self):
        return any(flag.action == REJECT for flag in self.flags)

    @property
    def held(self):
        return any(flag.action == HOLD for flag in self.flags)

    def first(self, action):
        return next((flag for flag in self.flags if flag.action == action), None)


def register(check):
    """Add CHECK(submission, verdict) to the chain; registering the same function twice keeps one."""
    if check not in _SCREENS:
        _SCREENS.append(check)


def unregister(check):
    if check in _SCREENS:
        _SCREENS.remove(check)


def checks():
    return list(_SCREENS)


def screen(submission):
    verdict = Verdict()
    for check in _SCREENS:
        try:
            check(submission, verdict)
        except Exception:
            logger.exception("Contrôle %s en échec sur un commentaire", getattr(check, "__name__", check))
            verdict.add("erreur", _("Un contrôle automatique a échoué : à relire"), HOLD)
    return verdict
