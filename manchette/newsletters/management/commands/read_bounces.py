from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from manchette.newsletters import bounces


class Command(BaseCommand):
    help = ("Lit la boîte des retours (NEWSLETTER_BOUNCE_IMAP_URL) : les avis de non-remise définitifs et les "
            "plaintes pour spam excluent leurs adresses des envois. Le worker le fait aussi chaque minute.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=bounces.MAX_PER_POLL,
                            help=f"messages lus au plus ({bounces.MAX_PER_POLL})")

    def handle(self, *args, limit, verbosity, **options):
        if not settings.NEWSLETTER_BOUNCE_IMAP_URL:
            if verbosity >= 1:
                self.stdout.write(_("Aucune boîte des retours configurée (NEWSLETTER_BOUNCE_IMAP_URL) : rien à lire."))
            return
        try:
            count = bounces.poll(limit=max(1, limit))
        except bounces.MailboxError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 1:
            self.stdout.write(_("%(count)s adresse(s) exclue(s) des envois.") % {"count": count} if count
                              else _("Aucune adresse à exclure."))
