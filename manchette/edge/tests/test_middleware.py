"""Which answers Django marks shareable: only those the edge and a CDN may give to any anonymous reader."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import get_token

from manchette.edge.middleware import CacheHeadersMiddleware
from manchette.news.tests.factories import ArticleFactory, SectionFactory

URL = "/belgique/budget/"


@pytest.fixture
def article(home):
    return ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"), slug="budget")


def test_an_anonymous_reader_gets_a_shareable_page(client, article, settings):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == f"public, max-age=0, s-maxage={settings.EDGE_CACHE_MAX_AGE}"


def test_a_shareable_not_found(client, home):
    response = client.get("/belgique/nulle-part/")
    assert response.status_code == 404
    assert "public" in response["Cache-Control"]


def test_a_logged_in_reader_gets_a_private_page(client, article):
    client.force_login(get_user_model().objects.create_user("lecteur", password="x"))
    assert client.get(URL)["Cache-Control"] == "private, no-cache"


def test_posts_and_the_admin_are_never_shared(client, article):
    assert "public" not in client.post(URL).get("Cache-Control", "")
    assert "public" not in client.get("/admin/login/").get("Cache-Control", "")


def test_a_page_with_a_csrf_token_is_not_shared(rf, db):
    def answered(view):
        request = rf.get("/lettre/")
        request.user = AnonymousUser()
        return CacheHeadersMiddleware(view)(request)

    def form_page(request):
        return HttpResponse(f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">')

    assert answered(form_page)["Cache-Control"] == "private, no-cache"
    assert "public" in answered(lambda request: HttpResponse("Inscrivez-vous"))["Cache-Control"]
