"""manchette stats: the day's figures from the view counter and the access log (operations/stats.py)."""

import datetime
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from manchette.operations import stats

NO_FILE = {"", "-", "off"}  # ACCESS_LOG values that name no file to read


def day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("Date invalide\u00a0: «\u00a0%(value)s\u00a0» (attendu\u00a0: AAAA-MM-JJ).") % {"value": value}) from None


def hours(value):
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 24:
        raise CommandError(_("--hours attend un nombre d’heures de 1 à 24, pas «\u00a0%(value)s\u00a0».") % {"value": value})
    return number


class Command(BaseCommand):
    help = (
        "Affiche les chiffres du jour\u00a0: articles les plus lus de la journée et des dernières heures (compteur de "
        "lectures), requêtes et lecteurs par rubrique, erreurs et part des pages servies par le cache (journal "
        "d’accès, ACCESS_LOG ou --log). Le journal est lu au fil de l’eau, les lignes illisibles sont comptées et "
        "ignorées."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=str, metavar="AAAA-MM-JJ", help="le jour (aujourd’hui par défaut, jusqu’à maintenant)")
        parser.add_argument("--hours", type=str, default="1", metavar="N", help="les plus lus des N dernières heures du jour (1 par défaut)")
        parser.add_argument("--json", action="store_true", help="en JSON, pour un autre programme")
        parser.add_argument(
            "--log", action="append", metavar="CHEMIN",
            help="journal d’accès à lire (ACCESS_LOG par défaut)\u00a0; plusieurs fois pour plusieurs fichiers, .gz accepté, - pour l’entrée standard",
        )

    def handle(self, *args, **options):
        period = stats.period(day(options["date"]) if options["date"] else None, hours(options["hours"]))
        tally = stats.Tally(period, stats.Sections())
        for path in self.logs(options["log"]):
            try:
                stream = stats.open_log(path)
                try:
                    tally.read(stream)
                finally:
                    if path != "-":
                        stream.close()
            except OSError as error:
                raise CommandError(_("Journal d’accès illisible\u00a0: %(path)s (%(error)s).") % {"path": path, "error": error.strerror or error}) from None
        report = stats.report(tally)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render(report))

    @staticmethod
    def logs(given):
        if given:
            return given
        configured = getattr(settings, "ACCESS_LOG", "")
        if configured.strip().lower() in NO_FILE:
            raise CommandError(_(
                "Aucun fichier de journal à lire\u00a0: ACCESS_LOG vaut «\u00a0%(value)s\u00a0». Donnez le fichier avec "
                "--log CHEMIN, ou --log - pour lire l’entrée standard (par exemple depuis journalctl)."
            ) % {"value": configured})
        return [configured]


def number(value):
    return formats.number_format(value, force_grouping=True)


def render(report):
    """REPORT (stats.report) as the text a newsroom reads."""
    end = datetime.datetime.fromisoformat(report["fin"])
    heading = _("Chiffres du %(day)s") % {"day": formats.date_format(datetime.date.fromisoformat(report["jour"]), "l j F Y")}
    if end.date().isoformat() == report["jour"]:
        heading += _(", jusqu’à %(hour)d\u00a0h\u00a0%(minute)02d") % {"hour": end.hour, "minute": end.minute}
    lines = [
        heading,
        _("Journal d’accès\u00a0: %(lines)s, %(bad)s, %(requests)s.") % {
            "lines": ngettext("%(count)s ligne lue", "%(count)s lignes lues", report["lignes_lues"]) % {"count": number(report["lignes_lues"])},
            "bad": ngettext("%(count)s illisible (ignorée)", "%(count)s illisibles (ignorées)", report["lignes_illisibles"]) % {
                "count": number(report["lignes_illisibles"]),
            },
            "requests": ngettext("%(count)s requête dans la période", "%(count)s requêtes dans la période", report["requetes"]) % {
                "count": number(report["requetes"]),
            },
        },
        _("Lecteurs distincts (adresse et navigateur, estimation)\u00a0: %(readers)s") % {"readers": number(report["lecteurs"])},
        "",
    ]
    recent = ngettext("Les plus lus de la dernière heure", "Les plus lus des %(hours)d dernières heures", report["heures_recentes"])
    for title, articles in (
        (_("Les plus lus du jour"), report["plus_lus_du_jour"]),
        (recent % {"hours": report["heures_recentes"]}, report["plus_lus_recents"]),
    ):
        lines.append(title + _(" (compteur de lectures, à l’heure près)"))
        lines += [
            f"  {rank:>2}. {article['titre']} — {number(article['lectures'])} ({article['chemin']})"
            for rank, article in enumerate(articles, 1)
        ] or ["  " + _("aucune lecture comptée")]
        lines.append("")
    lines.append(_("Par rubrique\u00a0: requêtes, lecteurs distincts"))
    lines += [
        f"  {section['rubrique']}{' (' + section['chemin'] + ')' if section['chemin'] else ''}\u00a0: "
        f"{number(section['requetes'])}, {number(section['lecteurs'])}"
        for section in report["rubriques"]
    ] or ["  " + _("aucune requête")]
    lines.append("")
    lines.append(_("Erreurs"))
    for kind, errors in report["erreurs"].items():
        lines.append(f"  {kind}\u00a0: {number(errors['total'])}")
        lines += [f"    {error['chemin']}\u00a0: {number(error['nombre'])}" for error in errors["chemins"]]
    lines.append("")
    cache = report["cache"]
    if cache["taux"] is None:
        lines.append(_("Cache\u00a0: aucune page servie dans la période."))
    else:
        lines.append(_("Cache\u00a0: %(rate)s\u00a0%% des pages servies par le cache (HIT %(hit)s, MISS %(miss)s, PASS %(pass)s).") % {
            "rate": formats.number_format(100 * cache["taux"], 1), "hit": number(cache["HIT"]),
            "miss": number(cache["MISS"]), "pass": number(cache["PASS"]),
        })
    return "\n".join(lines)
