"""Many live articles at once, for the scale benchmark.

Wagtail's add_child costs several queries per page; here the treebeard paths are computed in Python and the rows
are bulk inserted, one batch per transaction, so the tree stays valid even if the run is interrupted.
"""

import datetime
import random
from collections import Counter
from itertools import chain, cycle, groupby, islice, repeat

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from tqdm import tqdm
from wagtail.models import Locale, Page

from manchette.filinfo.events import rebuild as rebuild_feed
from manchette.news.models import Article, ArticleTag, HomePage, Section

BATCH_SIZE = 5000
YEARS_SPREAD = 5
TAGGED_SHARE = 0.2
UPDATED_SHARE = 0.1
SEED = 2024
BIG_SECTION = ("Archives", "Les articles des années précédentes.")
SECTIONS = (
    ("Belgique", ("Bruxelles", "Wallonie", "Flandre")),
    ("Monde", ("Europe", "Afrique")),
    ("Économie", ()),
    ("Sports", ("Football", "Cyclisme")),
    ("Culture", ()),
    ("Sciences", ()),
    ("Opinions", ()),
)
TAGS = (
    "Élections", "Climat", "Mobilité", "Énergie", "Logement", "Enseignement", "Santé publique", "Budget",
    "Diables rouges", "Festivals", "Justice", "Emploi", "Agriculture", "Numérique", "Patrimoine",
)

SUBJECTS = (  # singular: the verbs below are conjugated for one subject
    "Le conseil communal", "La ministre de la Mobilité", "Le front commun syndical", "Le bourgmestre", "La SNCB",
    "Le gouvernement wallon", "Le comité de quartier", "La Région bruxelloise", "Le Standard", "La province",
    "L’université", "La police locale", "Le tribunal correctionnel", "L’union des commerçants", "Le CPAS",
    "Le parquet fédéral", "La direction de l’école", "La Fédération des agriculteurs", "La zone de secours",
    "Le collectif des cyclistes",
)
VERBS = (
    "adopte", "dévoile", "reporte", "conteste", "présente", "suspend", "défend", "relance", "annonce",
    "rejette", "prolonge", "finance", "critique", "négocie", "prépare", "revoit",
)
OBJECTS = (
    "le budget de l’année prochaine", "un plan pour les pistes cyclables", "la rénovation de la gare",
    "le projet de piscine", "une réforme des horaires", "la fermeture du marché couvert",
    "un nouveau parking de dissuasion", "l’extension du tram", "le chantier de la place communale",
    "un accord sur les salaires", "la fusion des deux écoles", "le festival d’été", "la taxe sur les bureaux vides",
    "le plan de mobilité", "l’aide aux indépendants", "le réaménagement du parc",
)
PLACES = (
    "à Liège", "à Namur", "à Charleroi", "à Mons", "à Bruxelles", "à Louvain-la-Neuve", "à Arlon", "à Tournai",
    "à Wavre", "à Verviers", "à Anvers", "à Gand", "à Ixelles", "à Schaerbeek", "à Huy",
)
OPENERS = (
    "Selon plusieurs sources proches du dossier,", "Depuis des semaines,", "Dans les couloirs de l’hôtel de ville,",
    "À en croire les observateurs,", "Lors de la séance de lundi soir,", "Sur le terrain,",
    "Contactés par notre rédaction,", "Au terme d’une longue réunion,", "D’après les premiers chiffres,",
    "Comme l’an dernier,",
)
ACTORS = (
    "les habitants du quartier", "les élus de la majorité", "les membres de l’opposition", "les délégués syndicaux",
    "les experts", "les services communaux", "les parents d’élèves", "les associations de terrain", "les élus locaux",
    "les responsables du projet",
)
ACTIONS = (
    "réclament davantage de transparence sur le calendrier", "s’interrogent sur le coût réel du projet",
    "saluent une décision attendue depuis longtemps", "dénoncent un manque de concertation",
    "demandent des garanties écrites avant l’automne", "redoutent des retards supplémentaires",
    "proposent une consultation publique", "estiment que les moyens prévus restent insuffisants",
    "rappellent les engagements pris lors de la dernière législature", "plaident pour une mise en œuvre progressive",
)
ENDINGS = (
    "et le débat est loin d’être clos.", "sans convaincre tout le monde.", "alors que l’échéance approche.",
    "dans un climat parfois tendu.", "en attendant l’avis de la tutelle.", "malgré les réserves exprimées.",
    "et une nouvelle réunion est déjà prévue.", "tout en promettant un suivi régulier.",
)


class ArticleText:
    """Combinatorial French copy: a headline, a two-sentence lead and a body of a few hundred words."""

    def __init__(self, rng):
        self.rng = rng

    def title(self):
        pick = self.rng.choice
        return f"{pick(SUBJECTS)} {pick(VERBS)} {pick(OBJECTS)} {pick(PLACES)}"

    def sentence(self):
        pick = self.rng.choice
        return f"{pick(OPENERS)} {pick(ACTORS)} {pick(ACTIONS)} {pick(ENDINGS)}"

    def lead(self):
        return f"{self.sentence()} {self.sentence()}"

    def body(self):
        paragraphs = (
            " ".join(self.sentence() for _ in range(self.rng.randint(3, 5)))
            for _ in range(self.rng.randint(4, 6))
        )
        return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


class Command(BaseCommand):
    help = (
        "Génère en masse des articles en ligne (banc d’essai) : M d’entre eux dans la rubrique « Archives », "
        "les autres répartis dans les autres rubriques."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="nombre d’articles à créer")
        parser.add_argument(
            "--section-share", type=int, default=20_000, dest="section_share",
            help="articles placés dans la rubrique « Archives » (20 000, au plus le nombre total)",
        )

    def handle(self, *args, count, section_share, verbosity, **options):
        if count < 0 or section_share < 0:
            raise CommandError("Le nombre d’articles doit être positif ou nul.")
        if not connection.features.can_return_rows_from_bulk_insert:
            raise CommandError("Cette base de données ne renvoie pas les identifiants d’une insertion groupée.")
        home = HomePage.objects.first()
        if home is None:
            raise CommandError("Aucune page d’accueil : lancez d’abord « manchette setup_newsroom ».")
        section_share = min(section_share, count)
        big, groups = self.sections(home, needs_others=count > section_share)
        parents = chain(repeat(big, section_share), islice(spread(groups), count - section_share))
        generator = Generator(random.Random(SEED))
        with tqdm(total=count, unit=" articles", desc="Génération", disable=verbosity < 1) as bar:
            while batch := list(islice(parents, BATCH_SIZE)):
                generator.insert(batch)
                bar.update(len(batch))
        # Bulk inserts send no publishing signals: the fil info is brought in line in one pass.
        rebuild_feed()
        analyze()
        if verbosity >= 1:
            self.stdout.write(f"{count} articles créés, dont {section_share} dans « {big.title} ».")

    def sections(self, home, needs_others):
        """The big section, and the other sections grouped by top-level section; existing ones are reused."""
        title, intro = BIG_SECTION
        big = Section.objects.child_of(home).filter(slug=slugify(title)).first()
        if big is None:
            big = home.add_child(instance=Section(title=title, slug=slugify(title), intro=intro))
        others = list(Section.objects.live().exclude(path__startswith=big.path).order_by("path"))
        if not others and needs_others:
            for title, children in SECTIONS:
                section = home.add_child(instance=Section(title=title, slug=slugify(title)))
                others.append(section)
                for child in children:
                    others.append(section.add_child(instance=Section(title=child, slug=slugify(child))))
        top_level = len(home.path) + Page.steplen
        return big, [list(group) for _, group in groupby(others, key=lambda section: section.path[:top_level])]


def spread(groups):
    """Round-robin over the top-level sections, then inside each: every subtree stays smaller than the big one."""
    inner = [cycle(group) for group in groups]
    return (next(sections) for sections in cycle(inner))


class Generator:
    """Turns a list of parent sections into one article under each, inserted in one transaction."""

    def __init__(self, rng):
        self.rng = rng
        self.text = ArticleText(rng)
        self.content_type = ContentType.objects.get_for_model(Article)
        self.locale = Locale.get_default()
        self.tag_ids = [Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0].pk for name in TAGS]
        self.next_step = {}
        self.now = timezone.now()

    def step(self, section):
        """The next free position under a section, after its existing children."""
        if section.pk not in self.next_step:
            last = section.get_last_child()
            self.next_step[section.pk] = Page._str2int(last.path[-Page.steplen:]) + 1 if last else 1
        step = self.next_step[section.pk]
        if step >= len(Page.alphabet) ** Page.steplen:
            raise CommandError(f"La rubrique « {section.title} » ne peut pas recevoir davantage d’articles.")
        self.next_step[section.pk] = step + 1
        return step

    def page(self, section, lead):
        step = self.step(section)
        title = self.text.title()
        slug = f"{slugify(title)}-{step}"
        published = self.now - datetime.timedelta(seconds=self.rng.randrange(YEARS_SPREAD * 365 * 24 * 3600))
        updated = published
        if self.rng.random() < UPDATED_SHARE:
            updated += datetime.timedelta(minutes=self.rng.randrange(10, 600))
        return Page(
            content_type=self.content_type, locale=self.locale,
            path=Page._get_path(section.path, section.depth + 1, step), depth=section.depth + 1, numchild=0,
            title=title, draft_title=title, slug=slug, url_path=f"{section.url_path}{slug}/",
            live=True, has_unpublished_changes=False,
            first_published_at=published, last_published_at=updated, latest_revision_created_at=updated,
            search_description=lead[:300],  # as Article.save does
        )

    @transaction.atomic
    def insert(self, parents):
        leads = [self.text.lead() for _ in parents]
        pages = Page.objects.bulk_create([self.page(section, lead) for section, lead in zip(parents, leads)])
        insert_rows(Article, [
            {"page_ptr_id": page.pk, "lead": lead, "body": self.text.body()} for page, lead in zip(pages, leads)
        ])
        ArticleTag.objects.bulk_create(
            ArticleTag(content_object_id=page.pk, tag_id=tag_id)
            for page in pages
            if self.rng.random() < TAGGED_SHARE
            for tag_id in self.rng.sample(self.tag_ids, self.rng.randint(1, 2))
        )
        for pk, number in Counter(section.pk for section in parents).items():
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + number)


def analyze():
    """Fresh planner statistics on PostgreSQL, which has none after a bulk load until autovacuum passes, and then
    walks whole tables: at 100,000 articles the front page took 1.8 s instead of 50 ms, and an article page 1.3 s
    instead of 50 ms until the (empty) front-page tables were analyzed too, hence the whole database. SQLite keeps
    no statistics unless asked and plans well without them; partial ones made its plans worse, so it is left alone."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def insert_rows(model, rows):
    """Insert the child table rows of a multi-table model, which bulk_create refuses; missing fields get defaults."""
    fields = model._meta.local_concrete_fields
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    params = [
        [f.get_db_prep_save(row[f.attname] if f.attname in row else f.get_default(), connection) for f in fields]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
