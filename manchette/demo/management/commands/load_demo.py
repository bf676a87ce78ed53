"""Loads the demo newspaper through the real models; does nothing if articles already exist."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm
from wagtail.log_actions import log
from wagtail.models import Revision

from manchette.accounts.staff import verify_email
from manchette.demo import comments as demo_comments
from manchette.demo import dispatches
from manchette.demo import images as illustrations
from manchette.demo import moderation as demo_moderation
from manchette.demo import newsletters as demo_newsletters
from manchette.demo.authors import AUTHORS
from manchette.demo.sections import SECTIONS
from manchette.demo.stories import STORIES
from manchette.demo.writer import SEED, write
from manchette.filinfo import events as filinfo_events
from manchette.news.management.commands.setup_newsroom import EDITORS, JOURNALISTS, MODERATORS
from manchette.news.models import (
    CARD_RENDITIONS,
    HERO_RENDITIONS,
    Article,
    Author,
    EditorsPick,
    FrontPageLead,
    HomePage,
    NewsImage,
    Section,
    Story,
)

PASSWORD = "manchette-demo"
EMAIL_DOMAIN = "manchette.example"
USERS = (
    # username, group, first name, last name
    ("journaliste", JOURNALISTS, "Camille", "Journaliste"),
    ("editeur", EDITORS, "Dominique", "Éditeur"),
    ("moderateur", MODERATORS, "Sacha", "Modérateur"),
)


class Command(BaseCommand):
    help = "Charge le journal de démonstration : rubriques, rédaction, sujets, 150 articles, leurs illustrations et le fil info."

    def handle(self, *args, verbosity, **options):
        call_command("setup_newsroom", verbosity=0)
        if Article.objects.exists():
            self.users()
            self.fil_info(articles_added=False)
            self.comments()
            demo_newsletters.load()
            demo_newsletters.archive()
            self.stdout.write("Le journal de démonstration est déjà chargé.")
            return
        quiet = verbosity < 1
        paper = write(timezone.now())
        with transaction.atomic():
            users = self.users()
            home = HomePage.objects.get()
            sections = self.sections(home, paper.articles[0].published_at)
            authors = {spec.slug: Author.objects.create(name=spec.name, slug=spec.slug, role=spec.role, bio=spec.bio) for spec in AUTHORS}
            stories = {spec.slug: Story.objects.create(title=spec.title, slug=spec.slug, description=spec.description) for spec in STORIES}
            images = self.images(quiet)
            for slug, key in illustrations.SECTION_IMAGES.items():
                Section.objects.filter(pk=sections[slug].pk).update(share_image=images[key])
            pages = {}
            for spec in tqdm(paper.articles, desc="Articles", unit=" articles", disable=quiet):
                pages[id(spec)] = self.article(spec, sections, authors, stories, images, users)
            FrontPageLead.objects.bulk_create(
                FrontPageLead(page=home, article=pages[id(spec)], sort_order=n) for n, spec in enumerate(paper.leads)
            )
            EditorsPick.objects.bulk_create(
                EditorsPick(page=home, article=pages[id(spec)], sort_order=n) for n, spec in enumerate(paper.picks)
            )
        for image in tqdm(images.values(), desc="Déclinaisons d’images", unit=" images", disable=quiet):
            image.get_renditions(*HERO_RENDITIONS, *CARD_RENDITIONS)
        self.fil_info(articles_added=True)
        # After the fil info: the search index holds the dispatches too (saved without publishing signals).
        if "reindex_articles" in get_commands():
            call_command("reindex_articles", verbosity=0)
        self.comments()
        demo_newsletters.load()
        demo_newsletters.archive()
        if not quiet:
            self.report(len(pages))

    def users(self):
        """The newsroom's demo accounts, created once; an account that already exists is left alone. Each has a
        verified address (journaliste@manchette.example…), without which allauth's login would first send it a
        confirmation e-mail."""
        User = get_user_model()
        users = {}
        for username, group, first_name, last_name in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username, f"{username}@{EMAIL_DOMAIN}", PASSWORD, first_name=first_name, last_name=last_name)
                user.groups.add(Group.objects.get(name=group))
            verify_email(user)
            users[username] = user
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User.objects.create_superuser("admin", f"admin@{EMAIL_DOMAIN}", PASSWORD, first_name="Alex", last_name="Admin")
        verify_email(admin)
        # The journalist's own byline: a new article in the admin is signed with it by default.
        Author.objects.get_or_create(user=users["journaliste"], defaults={
            "name": "Camille Journaliste", "slug": "camille-journaliste", "role": "Journaliste"})
        return users

    def sections(self, home, since):
        """Every section and sub-section page, by slug; sub-sections come right under their section."""
        opened = since - datetime.timedelta(days=1)
        pages = {}
        for parent, specs in [(home, SECTIONS)] + [(None, top.children) for top in SECTIONS]:
            for spec in specs:
                parent_page = parent or pages[next(top.slug for top in SECTIONS if spec in top.children)]
                pages[spec.slug] = parent_page.add_child(instance=Section(
                    title=spec.title, slug=spec.slug, intro=spec.intro,
                    first_published_at=opened, last_published_at=opened,
                ))
        return pages

    def images(self, quiet):
        images = {}
        for spec in tqdm(illustrations.IMAGES, desc="Illustrations", unit=" images", disable=quiet):
            data, (x, y, width, height) = illustrations.render(spec, SEED)
            image = NewsImage(
                title=spec.title, caption=spec.caption, credit=illustrations.CREDIT,
                file=ImageFile(io.BytesIO(data), name=f"{spec.key}.jpg"),
                focal_point_x=x, focal_point_y=y, focal_point_width=width, focal_point_height=height,
            )
            image._set_image_file_metadata()
            image.save()
            images[spec.key] = image
        return images

    def article(self, spec, sections, authors, stories, images, users):
        """One live article with a single revision, dated as the newsroom published (and maybe corrected) it."""
        published, updated = spec.published_at, spec.corrected_at or spec.published_at
        page = Article(
            title=spec.title, slug=spec.slug, lead=spec.lead, body=spec.body,
            hero_image=images.get(spec.image), story=stories.get(spec.story),
            owner=users["journaliste"], live=True, first_published_at=published, last_published_at=updated,
        )
        page.authors.set([authors[slug] for slug in spec.authors])
        page.tags.add(*spec.tags)
        sections[spec.section].add_child(instance=page)
        revision = page.save_revision(user=users["journaliste"], clean=False)
        # save_revision marks the page as having unpublished changes and stamps everything with now().
        Article.objects.filter(pk=page.pk).update(
            live_revision=revision, has_unpublished_changes=False, latest_revision_created_at=updated,
            first_published_at=published, last_published_at=updated,
        )
        Revision.objects.filter(pk=revision.pk).update(created_at=updated)
        log(instance=page, action="wagtail.publish", user=users["editeur"], revision=revision, timestamp=updated, content_changed=True)
        return page

    def fil_info(self, articles_added):
        """The demo dispatches, added once, even to a newspaper loaded before they existed; then the feed,
        which the loader's articles and dispatches reach without publishing signals."""
        journalist = get_user_model().objects.filter(username="journaliste").first()
        if dispatches.load(timezone.now(), journalist) or articles_added:
            filinfo_events.rebuild()

    def comments(self):
        """The demo readers and their comments, added once, even to a newspaper loaded before they existed."""
        journalist = get_user_model().objects.filter(username="journaliste").first()
        demo_comments.load(timezone.now(), PASSWORD, EMAIL_DOMAIN, journalist)
        # The moderator's past decisions, the classifier trained on them, and new comments waiting in the queue.
        moderator = get_user_model().objects.filter(username="moderateur").first()
        demo_moderation.load(timezone.now(), PASSWORD, EMAIL_DOMAIN, moderator)

    def report(self, count):
        self.stdout.write(self.style.SUCCESS(f"{count} articles chargés."))
        self.stdout.write(f"Comptes de démonstration (mot de passe « {PASSWORD} ») :")
        for username, group, _first, _last in USERS:
            self.stdout.write(f"  {username} ({group})")
        self.stdout.write("  admin (superutilisateur)")
