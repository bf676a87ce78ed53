"""The demo newspaper's newsletters: « La Une du matin » every day at 7 h, « L’hebdo du samedi » on Saturdays at
8 h from chosen sections, « Alertes » sent by hand. Fictional texts; added once, even to a newspaper loaded
before they existed; a list that already exists (by its address) is left as the newsroom made it."""

import datetime

from manchette.news.models import Section
from manchette.newsletters.models import Frequency, Newsletter, Weekday

LISTS = (
    {
        "slug": "la-une-du-matin", "name": "La Une du matin", "position": 1,
        "description": "Chaque matin, les titres qui font l’actualité et l’essentiel à lire avant de commencer la journée.",
        "frequency": Frequency.DAILY, "send_time": datetime.time(7, 0), "offered_on_articles": True, "lead_count": 5,
    },
    {
        "slug": "l-hebdo-du-samedi", "name": "L’hebdo du samedi", "position": 2,
        "description": "Le samedi, le meilleur de la semaine\u00a0: nos enquêtes, nos portraits et ce qu’il ne fallait pas manquer.",
        "frequency": Frequency.WEEKLY, "weekday": Weekday.SATURDAY, "send_time": datetime.time(8, 0),
        "offered_on_articles": False, "lead_count": 3, "per_section": 2,
        "sections": ("belgique", "monde", "economie", "culture"),
    },
    {
        "slug": "alertes", "name": "Alertes", "position": 3,
        "description": "Les nouvelles importantes, dès qu’elles tombent. Quelques envois par mois, pas plus.",
        "frequency": Frequency.MANUAL, "offered_on_articles": True, "lead_count": 1,
    },
)


def load():
    """Creates the lists that do not exist yet; returns how many were made."""
    made = 0
    for spec in LISTS:
        fields = dict(spec)
        slug = fields.pop("slug")
        sections = fields.pop("sections", ())
        newsletter, created = Newsletter.objects.get_or_create(slug=slug, defaults=fields)
        if created:
            made += 1
            if sections:
                newsletter.sections.set(Section.objects.filter(slug__in=sections))
    return made


def archive(days=2):
    """Two mornings of « La Une du matin » already sent, for the archive (/newsletters/archives/): composed from
    the demo's front page as the worker composes an edition; added once."""
    from manchette.newsletters import compose, schedule
    from manchette.newsletters.models import Edition, EditionStatus

    newsletter = Newsletter.objects.filter(slug="la-une-du-matin").first()
    if newsletter is None or newsletter.editions.exists():
        return 0
    today = schedule.last_due(newsletter, newsletter.created_at)
    for back in range(days, 0, -1):
        due = today - datetime.timedelta(days=back)
        edition = Edition.objects.create(newsletter=newsletter, due_at=due, subject=schedule.default_subject(newsletter, due))
        compose.freeze(edition)
        Edition.objects.filter(pk=edition.pk).update(status=EditionStatus.SENT, started_at=due, finished_at=due)
    return days
