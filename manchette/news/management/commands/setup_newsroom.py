"""The front page, the site, the newsroom's roles and its review workflow; safe to run again."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from manchette.news.models import HomePage

JOURNALISTS = "Journalistes"
EDITORS = "Éditeurs"
MODERATORS = "Modérateurs"
ADMINISTRATORS = "Administrateurs"

PAGE_PERMISSIONS = {
    JOURNALISTS: ["add_page", "change_page", "lock_page"],
    EDITORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"],
    ADMINISTRATORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"],
}
# Wagtail checks image permissions against wagtailimages.Image, whatever the image model (news.NewsImage).
IMAGE_PERMISSIONS = {
    JOURNALISTS: ["add_image", "change_image", "choose_image"],
    EDITORS: ["add_image", "change_image", "choose_image", "delete_image"],
    ADMINISTRATORS: ["add_image", "change_image", "choose_image", "delete_image"],
}
# Dispatches go out without review: whoever writes one publishes, corrects and withdraws it (the fil info).
DISPATCH_PERMISSIONS = ["add_dispatch", "change_dispatch", "delete_dispatch", "publish_dispatch", "lock_dispatch"]
MODEL_PERMISSIONS = {
    JOURNALISTS: ["access_admin", "view_author", "view_story", "add_story", *DISPATCH_PERMISSIONS],
    EDITORS: [
        "access_admin", "add_author", "change_author", "view_author",
        "add_story", "change_story", "delete_story", "view_story",
        *DISPATCH_PERMISSIONS, "unlock_dispatch",
        "add_wiresource", "change_wiresource", "delete_wiresource", "view_wiresource",
        "moderate_comment",
    ],
    # Readers' comments: the queue and its actions, sanctions (manchette/comments/admin_views.py).
    MODERATORS: ["access_admin", "moderate_comment"],
}
# Newsletters (manchette/newsletters): editors run the lists, compose, test and send editions, manage subscribers
# (import, export, deletion on request) and read the suppression list.
NEWSLETTER_PERMISSIONS = {
    EDITORS: [
        "add_newsletter", "change_newsletter", "delete_newsletter", "view_newsletter",
        "add_edition", "change_edition", "delete_edition", "view_edition", "send_edition",
        "add_subscriber", "change_subscriber", "delete_subscriber", "view_subscriber",
        "view_subscription", "view_suppression",
    ],
}


class Command(BaseCommand):
    help = "Crée la page d’accueil, le site, les rôles de la rédaction et le circuit de validation."

    @transaction.atomic
    def handle(self, *args, **options):
        home = self.front_page()
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in (JOURNALISTS, EDITORS, MODERATORS, ADMINISTRATORS)}
        self.grant(groups, home)
        self.workflow(home, groups[EDITORS])

    def tree_roots(self):
        """Wagtail's migrations create these; a flushed database (transactional tests) has lost them."""
        if not Locale.objects.exists():
            Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")
        return Page.get_first_root_node() or Page.add_root(title="Root", slug="root")

    def front_page(self):
        home = HomePage.objects.first()
        if home is None:
            root = self.tree_roots()
            welcome = root.get_children().exclude(content_type__model="homepage")
            home = root.add_child(instance=HomePage(title="À la Une", slug="accueil"))
            Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home, "site_name": "Le Quotidien de Manchette"})
            welcome.exclude(pk=home.pk).filter(depth=2, numchild=0).delete()
        if not Site.objects.exists():
            Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
        return home

    def grant(self, groups, home):
        root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
        for name, codenames in PAGE_PERMISSIONS.items():
            for codename in codenames:
                permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
                GroupPagePermission.objects.get_or_create(group=groups[name], page=home, permission=permission)
        for name, codenames in IMAGE_PERMISSIONS.items():
            for codename in codenames:
                permission = Permission.objects.get(content_type__app_label="wagtailimages", codename=codename)
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[name], collection=root_collection, permission=permission
                )
        for name, codenames in MODEL_PERMISSIONS.items():
            groups[name].permissions.add(*Permission.objects.filter(codename__in=codenames))
        for name, codenames in NEWSLETTER_PERMISSIONS.items():
            groups[name].permissions.add(*Permission.objects.filter(content_type__app_label="newsletters", codename__in=codenames))
        groups[ADMINISTRATORS].permissions.set(Permission.objects.all())

    def workflow(self, home, editors):
        workflow, _ = Workflow.objects.get_or_create(name="Relecture par la rédaction")
        task = GroupApprovalTask.objects.filter(name="Validation par un éditeur").first()
        if task is None:
            task = GroupApprovalTask.objects.create(name="Validation par un éditeur")
        task.groups.set([editors])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
