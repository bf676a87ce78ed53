"""The newsroom's newsletter views sent garbage (tests/test_bad_input.py names them in OWN_ADMIN_VIEWS): never a
5xx, a 400 says why in French, and a refused request changes no edition, subscriber or suppression."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from manchette.newsletters.models import Delivery, Edition, Newsletter, Subscriber, Subscription, Suppression

ALLOWED = {200, 301, 302, 400, 403, 404, 405}  # 301: APPEND_SLASH, for a bad id before « rapport.json »
FRENCH = re.compile(r"[éèàçù’]|\b(des|de|le|la|ou|au|un|une)\b")
IDS = ["0", "-1", "1.5", "99999999999999999999", str(2**63), "%00", "٣", "x" * 2000]
QUERIES = ["?p=99999999999999999999", "?p=-1", "?p=%00", "?q=%00", "?q=" + "x" * 5000, "?q=a&q=b", "?p[]=1",
           "?motif=%00", "?motif=bounced&motif=x", "?format=%00", "?format=texte&format=html"]
BODIES = [{}, {"confirmer": "\x00"}, {"confirmer": ["oui", "non"]}, {"confirmer": "x" * 100_000}, {"fichier": "pas un fichier"}]


def state():
    return (
        list(Edition.objects.order_by("pk").values_list("pk", "status", "html", "recipients")),
        list(Subscriber.objects.order_by("pk").values_list("pk", "email", "confirmed_at")),
        list(Subscription.objects.order_by("pk").values_list("pk", "active")),
        Delivery.objects.count(),
        Suppression.objects.count(),
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


@pytest.mark.django_db
def test_newsroom_admin_with_garbage(staff, published_article):
    newsletter = Newsletter.objects.create(name="La Une du matin", slug="une-du-matin", description="L’essentiel.")
    edition = Edition.objects.create(newsletter=newsletter, subject="Lundi")
    subscriber = Subscriber.objects.create(email="claire@example.com", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=subscriber, newsletter=newsletter)
    client = Client(raise_request_exception=False)
    client.force_login(staff["editor"])
    walk = Walk(client)
    before = state()
    pages = ["/admin/newsletters/abonnes/", f"/admin/newsletters/abonnes/{subscriber.pk}/", "/admin/newsletters/abonnes/import/",
             "/admin/newsletters/exclusions/", f"/admin/newsletters/envois/{edition.pk}/",
             f"/admin/newsletters/envois/{edition.pk}/apercu/", f"/admin/newsletters/envois/{edition.pk}/rapport/",
             f"/admin/newsletters/envois/{edition.pk}/rapport.json", f"/admin/newsletters/envois/{edition.pk}/envoyer/",
             "/admin/newsletters/editions/add/", f"/admin/newsletters/editions/edit/{edition.pk}/"]
    for page in pages:
        for query in QUERIES:
            walk("get", page + query)
    for value in IDS:
        for suffix in ["", "apercu/", "rapport/", "rapport.json", "envoyer/"]:
            walk("get", f"/admin/newsletters/envois/{value}/{suffix}")
        for suffix in ["test/", "envoyer/"]:
            walk("post", f"/admin/newsletters/envois/{value}/{suffix}", data={"confirmer": "oui"})
        walk("get", f"/admin/newsletters/abonnes/{value}/")
        walk("post", f"/admin/newsletters/abonnes/{value}/supprimer/")
        walk("get", f"/admin/newsletters/editions/edit/{value}/")
    for data in BODIES:
        walk("post", f"/admin/newsletters/envois/{edition.pk}/envoyer/", data=data)
        walk("post", "/admin/newsletters/abonnes/import/", data=data)
        walk("post", "/admin/newsletters/editions/add/", data=data)
        walk("post", f"/admin/newsletters/editions/edit/{edition.pk}/", data=data)
    for content in [b"", b"\x00\xff\xfe", b"email,listes\n" + b"x@example.com,une-du-matin;inconnue\n",
                    b"email,listes\n\"x@example.com,une-du-matin\n", b"\xef\xbb\xbf" + b"," * 10_000, b"email,listes\r\n" * 3,
                    b"email,listes\nclaire@example.com,une-du-matin\nCLAIRE@example.com,une-du-matin\n"]:
        walk("post", "/admin/newsletters/abonnes/import/", data={"fichier": SimpleUploadedFile("x.csv", content)})
    for method in ["put", "patch", "delete"]:
        walk(method, f"/admin/newsletters/envois/{edition.pk}/envoyer/")
        walk(method, "/admin/newsletters/abonnes/import/")
    for content_type, data in [("application/json", "{"), ("application/octet-stream", "\x00\xff")]:
        walk("post", f"/admin/newsletters/envois/{edition.pk}/envoyer/", data=data, content_type=content_type)
        walk("post", "/admin/newsletters/abonnes/import/", data=data, content_type=content_type)
    assert walk.problems == [], "\n".join(walk.problems)
    assert state() == before
    # Without a CSRF token, nothing is sent, deleted or imported.
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    strict.force_login(staff["editor"])
    assert strict.post(f"/admin/newsletters/envois/{edition.pk}/envoyer/", {"confirmer": "oui"}).status_code == 403
    assert strict.post(f"/admin/newsletters/abonnes/{subscriber.pk}/supprimer/").status_code == 403
    assert state() == before
