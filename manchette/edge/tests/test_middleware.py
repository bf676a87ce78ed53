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


def test_a_shared_page_carries_the_keys_of_what_it_shows(client, article, settings):
    from manchette.edge import fragments

    inline = client.get(URL)[settings.EDGE_KEYS_HEADER].split()
    assert f"page-{article.pk}" in inline and "list-filinfo" in inline, "blocks rendered in place bring their keys"
    keys = client.get(URL, headers={fragments.EDGE_HEADER: fragments.token()})[settings.EDGE_KEYS_HEADER].split()
    assert f"page-{article.pk}" in keys
    assert "list-filinfo" not in keys and f"list-page-{article.get_parent().pk}" not in keys, "the edge puts the blocks in"
    assert f"page-{article.get_parent().get_parent().pk}" not in keys, "the home page, loaded to route, is not shown"
    section_keys = client.get("/belgique/")[settings.EDGE_KEYS_HEADER].split()
    assert f"list-page-{article.get_parent().pk}" in section_keys and f"page-{article.pk}" in section_keys


def test_a_form_on_a_shared_page_gets_its_token_apart(client, home):
    from django.test import Client

    answer = client.get("/_jeton/")
    assert answer.status_code == 200 and "public" not in answer["Cache-Control"]
    token = answer.json()["jeton"]
    assert client.cookies["csrftoken"].value
    # The token fetched apart is good for a post, as a token rendered in the page would be.
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post("/recherche/", {"csrfmiddlewaretoken": token}).status_code != 403
    assert Client(enforce_csrf_checks=True).post("/recherche/", {"csrfmiddlewaretoken": "faux"}).status_code == 403


def test_the_reader_and_staff_cookies_follow_the_session(client, home, staff):
    from manchette.edge import personal

    reader = get_user_model().objects.create_user("lecteur", first_name="Aline", last_name="Lambert")
    client.force_login(reader)
    client.get("/")
    assert personal.reader_name(client.cookies[personal.READER_COOKIE].value) == "Aline Lambert"
    assert personal.STAFF_COOKIE not in client.cookies or not client.cookies[personal.STAFF_COOKIE].value
    signed = client.cookies[personal.READER_COOKIE].value
    client.logout()
    # The session ended elsewhere (expired, logged out in another tab): the name goes at the next visit.
    client.cookies[personal.READER_COOKIE] = signed
    client.cookies["sessionid"] = "expiree"
    client.get("/")
    assert client.cookies[personal.READER_COOKIE].value == ""
    client.force_login(staff["editor"])
    client.get("/admin/")
    assert client.cookies[personal.STAFF_COOKIE].value == "1"
    client.cookies[personal.READER_COOKIE] = "forge"
    client.get("/")
    assert personal.reader_name(client.cookies[personal.READER_COOKIE].value) == staff["editor"].get_username()
