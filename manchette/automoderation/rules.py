"""The rules every new or edited comment goes through (comments/screening.py), each adding a flag that names
the rule and quotes what the reader wrote:

- links (« lien »): web addresses, bare domains (« exemple.com ») and spelled-out ones (« exemple point com »,
  « exemple[.]com ») wait for a moderator, unless the reader is trusted (trust.py runs first);
- banned words (« mot-interdit ») refuse the comment, suspect words (« mot-suspect ») hold it: the lists
  moderators edit (models.Word), matched whole on the normalized text (normalize.py), expressions too;
- repeated text (« repetition »): the same text, normalized, posted by this reader on any article in the last
  COMMENTS_REPEAT_MINUTES, or by COMMENTS_REPEAT_ACCOUNTS accounts within COMMENTS_REPEAT_ACCOUNTS_MINUTES;
- pace (« rythme »): more than COMMENTS_PACE comments (« count/seconds ») by the reader; the rate limiter
  (comments/ratelimit.py) refuses beyond its own limits, this rule only asks a moderator to look;
- brand-new accounts (« compte-recent »): younger than COMMENTS_NEW_ACCOUNT_HOURS, with fewer than
  COMMENTS_NEW_ACCOUNT_APPROVED published comments;
- shouting (« majuscules »): at least COMMENTS_SHOUTING_LETTERS letters, COMMENTS_SHOUTING_SHARE of them
  capitals. Held rather than noted: the thread would show it shouting at everyone, the charter asks readers not
  to, and a moderator publishes a harmless one with one key; acronyms in a short comment stay under the minimum.

The word lists are compiled once per process and compiled again when a Word changes: saving or deleting one moves
a version number in Django's cache (shared between processes with REDIS_URL), and each process also reloads them
every COMMENTS_WORDS_REFRESH_SECONDS, for caches that are per process.
"""

import datetime
import re
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from manchette.accounts import rates
from manchette.comments.models import Comment, Status
from manchette.comments.screening import HOLD, REJECT
from manchette.periodic import jobs

from . import normalize
from .models import Fingerprint, Word

# Flags of one kind a comment gets at most: the first few say enough.
MAX_FLAGS = 5
VERSION_KEY = "automoderation:words-version"

# Domains people write bare: generic and Belgian, French, Swiss and neighbouring ones, and those spam favours.
# Two-letter domains that are French words (« de », « la », « me », « ma », « ca », « es ») are left out: a sentence
# glued to the next (« arrivé.la suite ») is not a link.
DOMAINS = (
    "com|net|org|info|biz|fr|be|ch|lu|eu|io|co|uk|nl|it|pt|pl|ru|cn|us|xyz|top|site|online|shop|store|club|live|app"
    "|dev|tv|ly|gl|gg|to|ws|pro|vip|win|bet|link|click|fun|icu|cc|su|tk|ml|ga|cf|gq|pw|ai|news|blog|media"
)
# Those spelled out after « point » or « dot » (« exemple point com »): only ones no French phrase ends with.
SPELLED = "com|fr|be|org|info|xyz|ru|io|biz|ch"
# A domain's label: letters of any script (internationalised domains, look-alikes the folding left), digits, hyphens.
_LABEL = r"\b[^\W_][\w-]{0,62}"
_ADDRESS = re.compile(r"\b(?:https?|hxxps?|ftp)://\S{1,200}|\bwww\.[\w-]{1,63}\S{0,200}")
_DOMAIN = re.compile(rf"{_LABEL}\.(?:{DOMAINS})\b")
_SPELLED_DOMAIN = re.compile(
    rf"{_LABEL}(?:\s{{0,3}}[\[(]\s{{0,3}}(?:\.|point|dot)\s{{0,3}}[\])]\s{{0,3}}"
    rf"|\s{{1,3}}(?:point|dot)\s{{1,3}}|\s{{1,3}}\.\s{{0,3}}|\.\s{{1,3}})(?:{SPELLED})\b"
)


def check(submission, verdict):
    text = submission.text or ""
    reading = normalize.read(text)
    if len(text) > normalize.MAX_CHARS:
        verdict.add("trop-long", _("Texte trop long pour les contrôles automatiques"), HOLD)
    if not verdict.trusted and settings.COMMENTS_HOLD_LINKS:
        links(text, reading, verdict)
    listed_words(text, reading, verdict)
    shouting(text, verdict)
    user = submission.user
    if getattr(user, "pk", None) is None:
        return
    new_account(submission, verdict)
    history(submission, reading, verdict)


# Links.

def links(text, reading, verdict):
    found = []
    for pattern in (_ADDRESS, _DOMAIN, _SPELLED_DOMAIN):
        for match in pattern.finditer(reading.folded.text):
            start, end = reading.folded.span(*match.span())
            if any(start < other_end and other_start < end for other_start, other_end in found):
                continue
            if pattern is not _ADDRESS and _sentence_start(text[start:end]):
                continue
            found.append((start, end))
            if len(found) == MAX_FLAGS:
                break
        if len(found) == MAX_FLAGS:
            break
    for start, end in sorted(found):
        written = text[start:end]
        verdict.add("lien", _("Lien\u00a0: «\u00a0%(link)s\u00a0»") % {"link": written[:100]}, HOLD, written)


def _sentence_start(written):
    """Whether WRITTEN's last part is a capitalised word, as after a missing space (« parti.Le lendemain »), not a
    domain written in capitals (« EXEMPLE.COM ») or small letters."""
    last = re.split(r"[.\s\])]+", written)[-1]
    return len(last) > 1 and last[0].isupper() and last[1:].islower()


# Word lists.

@dataclass(frozen=True)
class Listed:
    kind: str
    text: str
    parts: tuple  # normalize.runs() of each word of the expression


class Lists:
    """The word lists compiled for matching: each entry found by its first word's letters without repeats."""

    def __init__(self, words):
        self.index = {}
        for kind, text in words:
            parts = tuple(normalize.runs(token.spellings[0]) for token in normalize.tokens(text))
            if parts:
                self.index.setdefault(parts[0][0], []).append(Listed(kind, text, parts))

    def find(self, tokens):
        """[(Listed, index of its first token, index of its last)], each entry once, in the text's order."""
        # Each spelling without its repeated letters, compared first; the letters' counts only for a candidate.
        collapsed = [[(normalize.collapse(spelling), spelling) for spelling in token.spellings] for token in tokens]
        found, seen = [], set()
        for first, readings in enumerate(collapsed):
            for letters, _spelling in readings:
                for entry in self.index.get(letters, ()):
                    if entry not in seen and _matches(collapsed, first, entry.parts):
                        seen.add(entry)
                        found.append((entry, first, first + len(entry.parts) - 1))
        return found


def _matches(collapsed, first, parts):
    if first + len(parts) > len(collapsed):
        return False
    return all(
        any(letters == wanted and normalize.runs_match(normalize.runs(spelling)[1], counts)
            for letters, spelling in collapsed[first + offset])
        for offset, (wanted, counts) in enumerate(parts)
    )


_compiled = {"version": None, "loaded": 0.0, "lists": None}


def lists():
    """The word lists, compiled again when a Word changed (version in the cache) or they are older than
    COMMENTS_WORDS_REFRESH_SECONDS."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    now = time.monotonic()
    refresh = settings.COMMENTS_WORDS_REFRESH_SECONDS
    if _compiled["lists"] is None or _compiled["version"] != version or now - _compiled["loaded"] > refresh:
        _compiled.update(lists=Lists(Word.objects.values_list("kind", "text")), version=version, loaded=now)
    return _compiled["lists"]


@receiver([post_save, post_delete], sender=Word, dispatch_uid="automoderation-words-changed")
def words_changed(**kwargs):
    """Every process compiles the lists again before its next check (this one at once)."""
    _compiled["lists"] = None
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def listed_words(text, reading, verdict):
    flags = {Word.Kind.BANNED: 0, Word.Kind.SUSPECT: 0}
    for entry, first, last in lists().find(reading.tokens):
        if flags[entry.kind] >= MAX_FLAGS:
            continue
        flags[entry.kind] += 1
        start, end = reading.folded.span(reading.tokens[first].start, reading.tokens[last].end)
        written = text[start:end]
        if entry.kind == Word.Kind.BANNED:
            verdict.add("mot-interdit", _("Mot interdit\u00a0: «\u00a0%(word)s\u00a0»") % {"word": entry.text}, REJECT, written)
        else:
            verdict.add("mot-suspect", _("Mot suspect\u00a0: «\u00a0%(word)s\u00a0»") % {"word": entry.text}, HOLD, written)


# Shouting.

def shouting(text, verdict):
    read = text[:normalize.MAX_CHARS]
    upper = sum(map(str.isupper, read))
    letters = upper + sum(map(str.islower, read))
    minimum = settings.COMMENTS_SHOUTING_LETTERS
    if minimum and letters >= minimum and upper >= letters * settings.COMMENTS_SHOUTING_SHARE:
        verdict.add("majuscules", _("Écrit en majuscules"), HOLD, text[:200])


# The reader's account and history.

def new_account(submission, verdict):
    hours = settings.COMMENTS_NEW_ACCOUNT_HOURS
    joined = getattr(submission.user, "date_joined", None)
    if not hours or verdict.trusted or joined is None or submission.now - joined >= datetime.timedelta(hours=hours):
        return
    wanted = settings.COMMENTS_NEW_ACCOUNT_APPROVED
    if wanted and Comment.objects.filter(author=submission.user, status=Status.APPROVED)[:wanted].count() >= wanted:
        return
    label = ngettext("Compte créé il y a moins de %(hours)s heure", "Compte créé il y a moins de %(hours)s heures", hours)
    verdict.add("compte-recent", label % {"hours": hours}, HOLD)


def history(submission, reading, verdict):
    """The repeat and pace rules, from the fingerprints of the reader's and everyone's recent comments."""
    now, user = submission.now, submission.user
    recent = Fingerprint.objects.all()
    if submission.comment is not None:
        recent = recent.exclude(comment_id=submission.comment.pk)
    if reading.letters >= settings.COMMENTS_REPEAT_MIN_LETTERS:
        repeated(recent, reading.digest, user, now, verdict)
    for count, seconds in rates.parse(settings.COMMENTS_PACE):
        posted = recent.filter(author=user, created_at__gte=now - datetime.timedelta(seconds=seconds))[:count].count()
        if posted >= count:
            minutes = max(1, seconds // 60)
            label = ngettext("Plus de %(count)s commentaires en %(minutes)s minute",
                             "Plus de %(count)s commentaires en %(minutes)s minutes", minutes)
            verdict.add("rythme", label % {"count": count, "minutes": minutes}, HOLD)
            break


def repeated(recent, digest, user, now, verdict):
    own_minutes = settings.COMMENTS_REPEAT_MINUTES
    others_minutes = settings.COMMENTS_REPEAT_ACCOUNTS_MINUTES
    accounts = settings.COMMENTS_REPEAT_ACCOUNTS
    since = now - datetime.timedelta(minutes=max(own_minutes, others_minutes))
    same = list(recent.filter(digest=digest, created_at__gte=since).values_list("author_id", "created_at")[:200])
    own_since = now - datetime.timedelta(minutes=own_minutes)
    if own_minutes and any(author == user.pk and at >= own_since for author, at in same):
        verdict.add("repetition", _("Texte déjà envoyé par ce lecteur"), HOLD)
        return
    others_since = now - datetime.timedelta(minutes=others_minutes)
    others = {author for author, at in same if author != user.pk and at >= others_since}
    if accounts and others_minutes and len(others) + 1 >= accounts:
        label = ngettext("Même texte envoyé par %(count)s autre compte en %(minutes)s minutes",
                         "Même texte envoyé par %(count)s autres comptes en %(minutes)s minutes", len(others))
        verdict.add("repetition", label % {"count": len(others), "minutes": others_minutes}, HOLD)


@receiver(post_save, sender=Comment, dispatch_uid="automoderation-fingerprint")
def fingerprint(sender, instance, created, update_fields=None, **kwargs):
    """The comment's fingerprint, in the transaction that saves it; its digest emptied with its text."""
    if not created and update_fields is not None and "text" not in update_fields:
        return
    reading = normalize.read(instance.text or "")
    compared = reading.letters >= settings.COMMENTS_REPEAT_MIN_LETTERS
    digest = reading.digest if compared and instance.text and not instance.purged_at else ""
    if created:
        Fingerprint.objects.create(comment=instance, author_id=instance.author_id, digest=digest, created_at=instance.created_at)
    else:
        Fingerprint.objects.update_or_create(
            comment=instance, defaults={"author_id": instance.author_id, "digest": digest},
            create_defaults={"author_id": instance.author_id, "digest": digest, "created_at": instance.created_at},
        )


@jobs.every(3600, "automoderation-fingerprints")
def forget_fingerprints(now=None):
    """Fingerprints older than every rule's window are of no more use (and a digest of a reader's words is not
    kept for nothing): deleted hourly. The number deleted."""
    now = now or timezone.now()
    minutes = max(settings.COMMENTS_REPEAT_MINUTES, settings.COMMENTS_REPEAT_ACCOUNTS_MINUTES,
                  *(seconds // 60 + 1 for _, seconds in rates.parse(settings.COMMENTS_PACE)))
    return Fingerprint.objects.filter(created_at__lt=now - datetime.timedelta(minutes=minutes)).delete()[0]
