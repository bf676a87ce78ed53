"""The queue's choices, the warning and the journal of decisions sent garbage (tests/test_bad_input.py names them in
OWN_ADMIN_VIEWS): never a 5xx, a 400 says why in French, and a refused request records, sends or changes nothing."""

from django.core import mail
from django.test import Client

from manchette.comments.models import Comment, Decision, Sanction, Status
from manchette.comments.tests.test_moderation_bad_input import IDS, Walk

QUEUE = "/admin/moderation/"
VALUES = ["", "%00", "a%00b", "x" * 5000, "<script>", "99999999999999999999", "-1", "1e400", "٣", "%FF%FE"]
DATES = ["0001-01-01", "9999-12-31", "2026-02-30", "1999-12-31", "demain", "2026-13-01", "%00", "x" * 5000]


def state():
    return (
        list(Comment.objects.order_by("pk").values_list("pk", "status", "featured", "rejection_reason")),
        list(Decision.objects.order_by("pk").values_list("pk", "action", "reason")),
        list(Sanction.objects.order_by("pk").values_list("pk", "until", "lifted_at")),
    )


def test_desks_warnings_and_journal_with_garbage(staff, published_article, django_user_model, settings):
    settings.COMMENTS_DESKS_ENFORCED = True
    article = published_article(title="Le budget communal adopté", slug="budget-communal")
    author = django_user_model.objects.create_user("lecteur@example.com", "lecteur@example.com", "motdepasse-solide")
    other = django_user_model.objects.create_user("autre@example.com", "autre@example.com", "motdepasse-solide")
    pending = Comment.objects.create(article=article, author=author, text="Un avis.", status=Status.PENDING)
    theirs = Comment.objects.create(article=article, author=other, text="Un autre avis.", status=Status.PENDING)
    client = Client(raise_request_exception=False)
    client.force_login(staff["moderator"])
    walk = Walk(client)
    before = state()
    for name in ("filtre", "rubrique", "regle", "tri", "p"):
        for value in VALUES:
            walk("get", f"{QUEUE}?{name}={value}")
    walk("get", f"{QUEUE}?rubrique=1&rubrique=2&tri=score&tri=x&regle[]=a")
    journals = [f"{QUEUE}journal/", f"{QUEUE}journal/moderateur/{staff['moderator'].pk}/", f"{QUEUE}journal/lecteur/{author.pk}/"]
    for url in journals:
        for name in ("decision", "par", "du", "au", "p"):
            for value in [*VALUES, *DATES]:
                walk("get", f"{url}?{name}={value}")
        walk("get", f"{url}?du=2026-05-01&au=2026-04-01")
        walk("post", url, data={"decision": "warn"})
    for value in IDS:
        walk("get", f"{QUEUE}journal/moderateur/{value}/")
        walk("get", f"{QUEUE}journal/lecteur/{value}/")
        walk("post", f"{QUEUE}lecteur/{value}/avertir/", data={"avertissement-motif": "charte"})
        walk("post", f"{QUEUE}lecteur/{author.pk}/avertir/", data={"avertissement-motif": "charte", "commentaire": value})
    # A comment of someone else's, a reason of nothing, the moderator themself: refused, nothing recorded.
    walk("post", f"{QUEUE}lecteur/{author.pk}/avertir/", data={"avertissement-motif": "charte", "commentaire": str(theirs.pk)})
    for reason in [{"avertissement-motif": "", "avertissement-precisions": ""}, {"avertissement-motif": "inconnu", "avertissement-precisions": "   "}, {"avertissement-motif": ["a", "b"]}]:
        walk("post", f"{QUEUE}lecteur/{author.pk}/avertir/", data=reason)
    walk("post", f"{QUEUE}lecteur/{staff['moderator'].pk}/avertir/", data={"avertissement-motif": "charte"})
    walk("get", f"{QUEUE}lecteur/{author.pk}/avertir/")
    for body, content_type in [("{", "application/json"), ("\x00\xff", "application/octet-stream")]:
        walk("post", f"{QUEUE}lecteur/{author.pk}/avertir/", data=body, content_type=content_type)
    # The sanction's confirmation sent garbage: still a 400 without a warning or a real confirmation.
    for confirmation in ["", "false"]:
        walk("post", f"{QUEUE}lecteur/{author.pk}/", data={"kind": "exclusion", "reason": "Spam", "without_warning": confirmation})
    assert walk.problems == []
    assert state() == before and mail.outbox == []
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING
