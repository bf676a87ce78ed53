"""Assembles the 150 demo articles from the phrase banks and the stories, deterministically.

Dates are relative to `now`, so the demo always looks fresh; everything else only depends on SEED.
"""

import datetime
import itertools
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from .authors import AUTHORS
from .images import IMAGES
from .phrases import BANKS
from .sections import leaves
from .stories import STORIES

SEED = 20240917
ARTICLE_COUNT = 150
DAYS = 21
LEAD_COUNT = 5
PICK_COUNT = 5
CORRECTION_COUNT = 5
BRUSSELS = ZoneInfo("Europe/Brussels")
FIRST_HOUR, LAST_HOUR = 6, 21

QUOTE_INTROS = (
    "Une phrase résume bien l’état d’esprit :",
    "Une formule revient dans toutes les conversations :",
    "Un mot, entendu à plusieurs reprises, dit l’essentiel :",
)
CORRECTION_NOTES = (
    "Mise à jour : cet article a été complété par de nouvelles réactions.",
    "Correction : une version précédente de cet article comportait une erreur de chiffre, corrigée depuis.",
    "Mise à jour : ajout de précisions sur le calendrier.",
)


@dataclass
class ArticleSpec:
    title: str
    lead: str
    body: str
    section: str  # sub-section slug
    authors: list
    tags: list
    published_at: datetime.datetime
    story: str | None = None
    image: str | None = None
    corrected_at: datetime.datetime | None = None
    slug: str = field(default="")


@dataclass
class Newspaper:
    articles: list
    leads: list  # ArticleSpec, in front-page order
    picks: list


def slots(topic):
    first = topic.place[0].lower()
    return {
        "short": topic.short, "subject": topic.subject, "Subject": topic.subject[0].upper() + topic.subject[1:],
        "person": topic.person, "role": topic.role, "place": topic.place, "figure": topic.figure,
        "of_place": ("d’" if first in "aeiouyéèêâîôh" else "de ") + topic.place,
    }


def compose_body(bank, values, rng, fact=None):
    """5 to 12 paragraphs: what is new, context, voices, perhaps a sub-heading and a quotation, what comes next."""
    voices = itertools.cycle(rng.sample(bank.voices, len(bank.voices)))  # two reactions never share a speaker

    def fill(template):
        return template.format(**values, voice=next(voices))

    blocks = [fact] if fact else []
    blocks.append(fill(rng.choice(bank.openings)))
    blocks = [f"<p>{text}</p>" for text in blocks]
    middle = [f"<p>{fill(t)}</p>" for t in rng.sample(bank.developments, rng.randint(3, 5))]
    middle += [f"<p>{fill(t)}</p>" for t in rng.sample(bank.reactions, rng.randint(1, 2))]
    rng.shuffle(middle)
    if rng.random() < 0.6:
        quote = rng.choice(bank.quotes)
        middle.insert(rng.randint(1, len(middle)), f"<p>{rng.choice(QUOTE_INTROS)}</p><blockquote>« {quote}. »</blockquote>")
    if rng.random() < 0.65:
        middle.insert(rng.randint(1, len(middle) - 1), f"<h2>{rng.choice(bank.headings)}</h2>")
    return "".join(blocks + middle + [f"<p>{fill(rng.choice(bank.closings))}</p>"])


def pick_authors(leaf, rng):
    beat = [a.slug for a in AUTHORS if leaf in a.beats]
    count = min(len(beat), rng.choices((1, 2, 3), weights=(70, 22, 8))[0])
    return rng.sample(beat, count)


def pick_tags(topic, leaf_title, rng):
    tags = list(topic.tags)
    if rng.random() < 0.5:
        tags.append(leaf_title)
    return tags


def daytime(now, days_ago, rng):
    """A moment DAYS_AGO days before NOW, during Brussels daytime, and never in the future."""
    day = now.astimezone(BRUSSELS).date() - datetime.timedelta(days=days_ago)
    moment = datetime.datetime.combine(
        day, datetime.time(rng.randrange(FIRST_HOUR, LAST_HOUR), rng.randrange(60)), tzinfo=BRUSSELS
    )
    while moment > now:
        moment -= datetime.timedelta(days=1)
    return moment


def story_articles(now, rng, leaf_titles):
    top_of = {child.slug: top.slug for top, child in leaves()}
    articles = []
    for story in STORIES:
        bank = BANKS[top_of[story.section]]
        start = rng.randint(len(story.episodes), DAYS - 1)
        step = start / len(story.episodes)
        for number, episode in enumerate(story.episodes):
            values = slots(story.topic)
            articles.append(ArticleSpec(
                title=episode.title,
                lead=episode.lead,
                body=compose_body(bank, values, rng, fact=episode.fact),
                section=story.section,
                authors=pick_authors(story.section, rng),
                tags=pick_tags(story.topic, leaf_titles[story.section], rng),
                published_at=daytime(now, round(start - number * step), rng),
                story=story.slug,
            ))
    return articles


def topic_articles(now, rng, count, leaf_titles):
    """COUNT articles on the section topics, spread evenly over the sub-sections, one angle per headline."""
    subjects = [(top.slug, child.slug, topic) for top, child in leaves() for topic in BANKS[top.slug].topics[child.slug]]
    angles = {id(topic): rng.sample(BANKS[top].angles, len(BANKS[top].angles)) for top, _, topic in subjects}
    articles = []
    for index in range(count):
        top, leaf, topic = subjects[index % len(subjects)]
        bank = BANKS[top]
        values = slots(topic)
        articles.append(ArticleSpec(
            title=f"{topic.short} : {angles[id(topic)].pop()}",
            lead=rng.choice(bank.leads).format(**values),
            body=compose_body(bank, values, rng),
            section=leaf,
            authors=pick_authors(leaf, rng),
            tags=pick_tags(topic, leaf_titles[leaf], rng),
            published_at=daytime(now, rng.randrange(DAYS), rng),
        ))
    return articles


def illustrate(articles, leads, rng):
    """A hero image on four articles in five, always on the front-page leads, matching the section. The others
    show their section's share image when shared (load_demo gives each section one)."""
    top_of = {child.slug: top.slug for top, child in leaves()}
    for number, article in enumerate(articles):
        if article in leads or number % 5 != 4:
            suitable = [image.key for image in IMAGES if top_of[article.section] in image.sections]
            article.image = rng.choice(suitable)


def front_page(articles, rng):
    """Leads: the newest article of five different news sections. Picks: five more from the last week."""
    top_of = {child.slug: top.slug for top, child in leaves()}
    newest = sorted(articles, key=lambda a: a.published_at, reverse=True)
    leads, seen = [], {"opinions"}
    for article in newest:
        if top_of[article.section] not in seen and len(leads) < LEAD_COUNT:
            leads.append(article)
            seen.add(top_of[article.section])
    recent = [a for a in newest[:60] if a not in leads]
    picks, seen = [], set()
    for article in rng.sample(recent, len(recent)):
        if top_of[article.section] not in seen and len(picks) < PICK_COUNT:
            picks.append(article)
            seen.add(top_of[article.section])
    return leads, picks


def correct(articles, now, rng):
    """A few articles were corrected 2 to 6 hours after publication, and say so at the end."""
    old_enough = [a for a in articles if a.published_at < now - datetime.timedelta(hours=7)]
    for article in rng.sample(old_enough, CORRECTION_COUNT):
        article.corrected_at = article.published_at + datetime.timedelta(minutes=rng.randint(120, 360))
        article.body += f"<p><i>{rng.choice(CORRECTION_NOTES)}</i></p>"


def assign_slugs(articles):
    used = set()
    for article in articles:
        base = slugify(article.title)[:80].strip("-")
        slug, n = base, 2
        while (article.section, slug) in used:
            slug, n = f"{base}-{n}", n + 1
        used.add((article.section, slug))
        article.slug = slug


def write(now):
    rng = random.Random(SEED)
    leaf_titles = {child.slug: child.title for _, child in leaves()}
    articles = story_articles(now, rng, leaf_titles)
    articles += topic_articles(now, rng, ARTICLE_COUNT - len(articles), leaf_titles)
    articles.sort(key=lambda a: a.published_at)
    leads, picks = front_page(articles, rng)
    illustrate(articles, leads, rng)
    correct(articles, now, rng)
    assign_slugs(articles)
    return Newspaper(articles, leads, picks)
