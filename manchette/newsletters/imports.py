"""Subscribers imported from a CSV file, all or nothing.

Columns (first line, in any order, case ignored): `email`, `listes` (list slugs separated by `;`), and optionally
`consentement` (ISO date and time of the consent; the import's time when empty) and `origine` (where the consent
was given). The export's own file (admin_views.export) is accepted as is: its « consentement le » column is the
consent, « confirmé le » is ignored.

Any bad line (an invalid address, an unknown list, a bad date, an address twice) and nothing is imported: the
answer lists the bad lines with their reasons, in French. Addresses on the suppression list are skipped and
counted, as are those who left a list: an import never brings back someone who left. Imported subscribers are
confirmed: the newsroom attests their consent, recorded with the source « import » and the file's origine.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Newsletter, Subscriber, Subscription, Suppression, email_hash, normalize_email

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 100_000
MAX_PROBLEMS_SHOWN = 200
CHUNK = 900  # values in one IN (…): under SQLite's limit
# Recorded with each imported subscription, in the language active when the import runs (as forms.CONSENT_TEXT).
CONSENT_TEXT = gettext_lazy("Consentement recueilli par la rédaction et attesté lors d’un import de fichier.")
HEADER_ALIASES = {
    "email": "email", "e-mail": "email", "adresse": "email",
    "listes": "listes", "liste": "listes",
    "consentement": "consentement", "consentement le": "consentement",
    "origine": "origine",
    "confirmé le": None,
}
validate_email = EmailValidator()


def limits():
    return {"megabytes": MAX_BYTES // (1024 * 1024), "lines": MAX_LINES}


@dataclass
class Result:
    problems: list = field(default_factory=list)  # (line number, reason)
    fatal: str = ""
    created: int = 0
    updated: int = 0
    subscriptions: int = 0
    suppressed: int = 0
    left: int = 0
    lines: int = 0

    @property
    def ok(self):
        return not self.fatal and not self.problems

    @property
    def shown_problems(self):
        return self.problems[:MAX_PROBLEMS_SHOWN]

    @property
    def more_problems(self):
        return max(0, len(self.problems) - MAX_PROBLEMS_SHOWN)

    def summary(self):
        parts = [ngettext("%(count)s ligne lue", "%(count)s lignes lues", self.lines) % {"count": self.lines},
                 ngettext("%(count)s nouvel abonné", "%(count)s nouveaux abonnés", self.created) % {"count": self.created},
                 ngettext("%(count)s abonné existant complété", "%(count)s abonnés existants complétés", self.updated) % {"count": self.updated},
                 ngettext("%(count)s abonnement ajouté", "%(count)s abonnements ajoutés", self.subscriptions) % {"count": self.subscriptions}]
        if self.suppressed:
            parts.append(ngettext("%(count)s adresse exclue ignorée", "%(count)s adresses exclues ignorées", self.suppressed) % {"count": self.suppressed})
        if self.left:
            parts.append(ngettext("%(count)s désabonnement respecté", "%(count)s désabonnements respectés", self.left) % {"count": self.left})
        return _("Import terminé\u00a0: %(parts)s.") % {"parts": ", ".join(parts)}


@dataclass
class Line:
    number: int
    email: str
    slugs: list
    consented_at: datetime.datetime
    origin: str


def read_text(upload):
    """The file's text, or a reason it cannot be read."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        return None, _("Le fichier est trop gros\u00a0: %(mb)s Mo au plus.") % {"mb": MAX_BYTES // (1024 * 1024)}
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        return None, _("Le fichier est trop gros\u00a0: %(mb)s Mo au plus.") % {"mb": MAX_BYTES // (1024 * 1024)}
    if not raw.strip():
        return None, _("Le fichier est vide.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, _("Le fichier n’est pas en UTF-8\u00a0: enregistrez-le en «\u00a0CSV UTF-8\u00a0» et recommencez.")
    if "\x00" in text:
        return None, _("Le fichier contient des caractères nuls\u00a0: ce n’est pas un fichier CSV.")
    return text, ""


def parse_consent(value, now):
    value = value.strip()
    if not value:
        return now
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        try:
            moment = timezone.make_aware(moment)
        except (ValueError, OverflowError):
            return None
    if moment > now + datetime.timedelta(minutes=5):
        return None
    return moment


def check_email(value):
    value = value.strip()
    if not value or len(value) > 254 or any(c in value for c in "\r\n\x00"):
        return None
    try:
        validate_email(value)
    except ValidationError:
        return None
    return normalize_email(value)


def parse(text, result):
    """The file's good lines; its bad ones go to result.problems."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        result.fatal = _("Le fichier est vide.")
        return []
    columns = {}
    for index, name in enumerate(header):
        key = name.strip().lower()
        if key not in HEADER_ALIASES:
            result.fatal = _("Colonne inconnue «\u00a0%(name)s\u00a0»\u00a0: les colonnes sont email, listes, consentement et origine.") % {"name": name.strip()[:50]}
            return []
        if HEADER_ALIASES[key] is not None:
            columns[HEADER_ALIASES[key]] = index
    if "email" not in columns or "listes" not in columns:
        result.fatal = _("La première ligne doit nommer les colonnes, dont au moins email et listes.")
        return []
    known = set(Newsletter.objects.values_list("slug", flat=True))
    now = timezone.now()
    lines, seen = [], {}
    number = 1
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            result.lines += 1
            if result.lines > MAX_LINES:
                result.fatal = _("Le fichier a trop de lignes\u00a0: %(count)s au plus.") % {"count": MAX_LINES}
                return []
            if len(row) != len(header):
                result.problems.append((number, _("%(found)s colonnes au lieu de %(expected)s.") % {"found": len(row), "expected": len(header)}))
                continue

            def cell(name, row=row):
                return row[columns[name]] if name in columns else ""

            reasons = []
            email = check_email(cell("email"))
            if email is None:
                reasons.append(_("adresse e-mail invalide «\u00a0%(value)s\u00a0»") % {"value": cell("email").strip()[:80]})
            elif email in seen:
                reasons.append(_("adresse déjà présente ligne %(line)s") % {"line": seen[email]})
            slugs = [slug.strip() for slug in cell("listes").split(";") if slug.strip()]
            if not slugs:
                reasons.append(_("aucune liste"))
            unknown = [slug for slug in slugs if slug not in known]
            if unknown:
                reasons.append(ngettext("liste inconnue «\u00a0%(slugs)s\u00a0»", "listes inconnues «\u00a0%(slugs)s\u00a0»", len(unknown))
                               % {"slugs": ", ".join(s[:50] for s in unknown[:5])})
            consented = parse_consent(cell("consentement"), now)
            if consented is None:
                reasons.append(_("date de consentement invalide «\u00a0%(value)s\u00a0» (attendu\u00a0: 2025-03-14T09:30:00+01:00, pas dans le futur)") % {"value": cell("consentement").strip()[:40]})
            origin = " ".join(cell("origine").split())[:150]
            if reasons:
                result.problems.append((number, "\u00a0; ".join(reasons)))
                continue
            seen[email] = number
            lines.append(Line(number, email, list(dict.fromkeys(slugs)), consented, origin))
    except csv.Error as error:
        result.problems.append((reader.line_num or number, _("ligne CSV illisible (%(error)s)") % {"error": str(error)[:100]}))
    if result.lines == 0 and not result.problems:
        result.fatal = _("Le fichier n’a aucune ligne d’abonné.")
    return lines


def chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def import_csv(upload):
    """Imports UPLOAD (a file object of bytes) if every line is good; the Result says what was done, or why not."""
    result = Result()
    text, problem = read_text(upload)
    if problem:
        result.fatal = problem
        return result
    lines = parse(text, result)
    if not result.ok:
        return result
    suppressed = set()
    hashes = {email_hash(line.email): line.email for line in lines}
    for part in chunks(hashes):
        suppressed.update(hashes[h] for h in Suppression.objects.filter(email_hash__in=part).values_list("email_hash", flat=True))
    result.suppressed = sum(1 for line in lines if line.email in suppressed)
    lines = [line for line in lines if line.email not in suppressed]
    newsletters = {n.slug: n for n in Newsletter.objects.all()}
    now = timezone.now()
    with transaction.atomic():
        existing = {}
        for part in chunks(line.email for line in lines):
            existing.update({s.email: s for s in Subscriber.objects.filter(email__in=part)})
        new = [Subscriber(email=line.email, confirmed_at=now, created_at=now) for line in lines if line.email not in existing]
        Subscriber.objects.bulk_create(new, batch_size=500)
        result.created = len(new)
        for part in chunks(s.email for s in new):
            existing.update({s.email: s for s in Subscriber.objects.filter(email__in=part)})
        unconfirmed = [s.pk for email, s in existing.items() if s.confirmed_at is None]
        for part in chunks(unconfirmed):
            Subscriber.objects.filter(pk__in=part, confirmed_at__isnull=True).update(confirmed_at=now)
        current = {}
        for part in chunks(s.pk for s in existing.values()):
            for sub in Subscription.objects.filter(subscriber_id__in=part):
                current[(sub.subscriber_id, sub.newsletter_id)] = sub
        to_create, updated_subscribers, left = [], set(), set()
        new_emails = {s.email for s in new}
        for line in lines:
            subscriber = existing[line.email]
            source = "import" + (f" : {line.origin}" if line.origin else "")
            for slug in line.slugs:
                newsletter = newsletters[slug]
                found = current.get((subscriber.pk, newsletter.pk))
                if found is None:
                    to_create.append(Subscription(subscriber=subscriber, newsletter=newsletter, active=True,
                                                  consented_at=line.consented_at, source=source, consent_text=str(CONSENT_TEXT)))
                    if line.email not in new_emails:
                        updated_subscribers.add(line.email)
                elif not found.active and found.ended_at is not None:
                    left.add(line.email)  # the reader left this list: the import does not bring them back
        Subscription.objects.bulk_create(to_create, batch_size=500)
        result.subscriptions = len(to_create)
        result.updated = len(updated_subscribers)
        result.left = len(left)
    return result
