"""The moderators' views sent garbage (tests/test_bad_input.py names them in OWN_ADMIN_VIEWS): never a 5xx, a
400 says why in French, and a refused request changes no comment, report or sanction."""

import re

from django.test import Client

from manchette.comments.models import Comment, Report, Sanction, Status

QUEUE = "/admin/moderation/"
ALLOWED = {200, 302, 400, 403, 404, 405}
FRENCH = re.compile(r"[éèàçù’]|\b(des|de|le|la|ou|au)\b")
IDS = ["0", "-1", "1.5", "99999999999999999999", str(2**63), "%00", "٣", "x" * 2000]
TEXTS = ["", "\x00", "x" * 100_000, "<script>alert(1)</script>", ["a", "b"]]


def state():
    return (
        list(Comment.objects.order_by("pk").values_list("pk", "status", "featured", "rejection_reason")),
        list(Report.objects.order_by("pk").values_list("pk", "resolved_at")),
        list(Sanction.objects.order_by("pk").values_list("pk", "until", "lifted_at", "reason")),
    )


class Walk:
    def __init__(self, client):
        self.client, self.problems = client, []

    def __call__(self, method, url, **kwargs):
        response = getattr(self.client, method)(url, **kwargs)
        if response.status_code not in ALLOWED:
            self.problems.append(f"{method} {url[:120]} {str(kwargs)[:120]} → {response.status_code}")
        elif response.status_code == 400 and not FRENCH.search(response.content.decode(errors="replace")):
            self.problems.append(f"{method} {url[:120]} → 400 without a French reason")
        return response


def test_moderation_with_garbage(staff, published_article, django_user_model):
    article = published_article(title="Le budget communal adopté", slug="budget-communal")
    author = django_user_model.objects.create_user("lecteur@example.com", "lecteur@example.com", "motdepasse-solide")
    pending = Comment.objects.create(article=article, author=author, text="Un avis.", status=Status.PENDING)
    report = Report.objects.create(comment=pending, reporter=staff["journalist"], reason=Report.Reason.SPAM)
    ban = Sanction.objects.create(user=staff["journalist"], reason="Essai")
    client = Client(raise_request_exception=False)
    client.force_login(staff["moderator"])
    walk = Walk(client)
    before = state()
    for query in ["?p=99999999999999999999", "?p=-1", "?p=%00", "?filtre=%00", "?filtre=" + "x" * 5000, "?filtre=a&filtre=b", "?p[]=1"]:
        walk("get", QUEUE + query)
        walk("get", f"{QUEUE}lecteur/{author.pk}/{query}")
    for value in IDS:
        walk("post", f"{QUEUE}{value}/", data={"action": "publier"})
        walk("post", f"{QUEUE}lecteur/{value}/", data={"kind": "exclusion", "reason": "Spam"})
        walk("post", f"{QUEUE}sanction/{value}/lever/")
    for action in [*TEXTS, "PUBLIER", "publier\x00"]:
        walk("post", f"{QUEUE}{pending.pk}/", data={"action": action})
        walk("post", f"{QUEUE}lot/", data={"action": action, "ids": [str(pending.pk)]})
    for ids in [[], [""], ["%00"], ["-1"], ["1.5"], ["99999999999999999999"], ["٣"], ["x" * 10_000], [str(pending.pk)] * 501]:
        walk("post", f"{QUEUE}lot/", data={"action": "publier", "ids": ids})
    for text in TEXTS:
        # An empty reason is refused; a reason made of garbage would be kept (escaped), so it is not posted here.
        if text == "":
            walk("post", f"{QUEUE}{pending.pk}/", data={"action": "refuser", "motif": text, "precisions": text})
        if text != "":  # "" is what the moderator saw of a comment never edited: that would publish it
            walk("post", f"{QUEUE}{pending.pk}/", data={"action": "publier", "vu": text, "next": "//evil.example/"})
        walk("post", f"{QUEUE}lecteur/{author.pk}/", data={"kind": text, "until": text, "reason": ""})
        walk("post", f"{QUEUE}lecteur/{author.pk}/", data={"kind": "suspension", "until": text, "reason": "Motif"})
    for until in ["0001-01-01", "9999-12-31", "2026-02-30", "1e400", "demain"]:
        walk("post", f"{QUEUE}lecteur/{author.pk}/", data={"kind": "suspension", "until": until, "reason": "Motif"})
    for body, content_type in [("{", "application/json"), ("\x00\xff", "application/octet-stream")]:
        for url in (f"{QUEUE}{pending.pk}/", f"{QUEUE}lot/", f"{QUEUE}lecteur/{author.pk}/"):
            walk("post", url, data=body, content_type=content_type)
    assert walk.problems == []
    assert state() == before
    # The one garbage that is an action: a stale `vu` (the comment « edited since ») is refused, not applied.
    assert Comment.objects.get(pk=pending.pk).status == Status.PENDING
    report.refresh_from_db()
    assert report.resolved_at is None and Sanction.objects.get(pk=ban.pk).lifted_at is None
    # A redirect never leaves the site.
    response = client.post(f"{QUEUE}{pending.pk}/", {"action": "choisir", "next": "//evil.example/"})
    assert response.status_code == 302 and response["Location"] == QUEUE
