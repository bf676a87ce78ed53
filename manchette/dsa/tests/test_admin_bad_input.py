"""The DSA pages of the admin sent garbage (tests/test_bad_input.py names them in OWN_ADMIN_VIEWS): never a 5xx,
a 400 says why in French, and a refused request changes no notice, review or comment."""

import re

from django.test import Client

from manchette.comments.models import Comment
from manchette.dsa.models import Notice, Review, Statement

from .conftest import logged_in
from .test_notices import notify

ALLOWED = {200, 302, 400, 403, 404, 405}
FRENCH = re.compile(r"[éèàçù’]|\b(des|de|le|la|ou|au)\b")
IDS = ["0", "-1", "1.5", "99999999999999999999", str(2**63), "%00", "٣", "x" * 2000]
TEXTS = ["", "\x00", "x" * 100_000, "<script>alert(1)</script>", ["a", "b"]]


def state():
    return (
        list(Notice.objects.order_by("pk").values_list("pk", "status", "reason")),
        list(Review.objects.order_by("pk").values_list("pk", "status", "reason")),
        list(Comment.objects.order_by("pk").values_list("pk", "status")),
    )


def test_dsa_admin_with_garbage(comment, moderators, django_capture_on_commit_callbacks):
    notify(comment=comment)
    notice = Notice.objects.get()
    statement = Statement.objects.create(reference="MOT-TEST-0001", comment=comment, comment_number=comment.pk,
                                         basis=Statement.Basis.TERMS, ground="Charte", facts="Faits", moderator=moderators[0])
    review = Review.objects.create(statement=statement, explanation="Une explication assez longue pour passer.")
    client = Client(raise_request_exception=False)
    client.force_login(moderators[1])
    problems = []

    def walk(method, url, **kwargs):
        response = getattr(client, method)(url, **kwargs)
        if response.status_code not in ALLOWED:
            problems.append(f"{method} {url[:100]} {str(kwargs)[:100]} → {response.status_code}")
        elif response.status_code == 400 and not FRENCH.search(response.content.decode(errors="replace")):
            problems.append(f"{method} {url[:100]} → 400 without a French reason")

    before = state()
    for query in ["?p=99999999999999999999", "?p=-1", "?p=%00", "?etat=%00", "?etat=" + "x" * 5000, "?etat=a&etat=b", "?p[]=1"]:
        walk("get", "/admin/dsa/" + query)
        walk("get", "/admin/dsa/reexamens/" + query)
    for value in IDS:
        walk("post", f"/admin/dsa/{value}/", data={"action": "maintenir", "precisions": "Licite."})
        walk("post", f"/admin/dsa/reexamens/{value}/", data={"action": "maintenir", "motif": "Confirmé."})
    for text in TEXTS:
        walk("post", f"/admin/dsa/{notice.pk}/", data={"action": text, "precisions": text})
        walk("post", f"/admin/dsa/{notice.pk}/", data={"action": "retirer-illicite", "motif_legal": text, "precisions": "x"})
        walk("post", f"/admin/dsa/{notice.pk}/", data={"action": "maintenir", "precisions": "" if text != "" else " "})
        walk("post", f"/admin/dsa/reexamens/{review.pk}/", data={"action": text, "motif": text})
        walk("post", f"/admin/dsa/reexamens/{review.pk}/", data={"action": "annuler", "motif": ""})
    for body, content_type in [("{", "application/json"), ("\x00\xff", "application/octet-stream")]:
        for url in (f"/admin/dsa/{notice.pk}/", f"/admin/dsa/reexamens/{review.pk}/"):
            walk("post", url, data=body, content_type=content_type)
    assert problems == []
    assert state() == before
    # The moderator who decided is refused whatever they send; a redirect never leaves the site.
    refused = logged_in(moderators[0]).post(f"/admin/dsa/reexamens/{review.pk}/", {"action": "annuler", "motif": "x"})
    assert refused.status_code == 403 and state() == before
    response = client.post(f"/admin/dsa/{notice.pk}/", {"action": "maintenir", "precisions": "Licite.", "next": "//evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/admin/dsa/"
