"""Real `manchette serve` processes (uvicorn) on this test run's database: a correction published here shows
at once on each of them, through the shared counter on one machine and through Redis between machines."""

import time
import urllib.error
import urllib.request

import pytest
import redis
from django.contrib.auth import get_user_model
from django.test import Client

from manchette.edge import personal
from manchette.edge.invalidation import CHANNEL
from manchette.news.tests.factories import ArticleFactory, SectionFactory, publish
from manchette.testing.servers import START_TIMEOUT

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/belgique/budget/"
TITLE = "Le conseil communal adopte le budget"
CORRECTED = "Le conseil communal adopte le budget rectifié"


@pytest.fixture
def serve(servers):
    """serve(n, **env): the URLs of N new `manchette serve` processes, on the test's data dir unless ENV says
    otherwise."""
    return lambda count, **env: [servers(**env).url for _ in range(count)]


class Answer:
    def __init__(self, url, cookie=None, headers=None):
        request = urllib.request.Request(url, headers={**({"Cookie": cookie} if cookie else {}), **(headers or {})})
        try:
            response = urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            self.status = response.status
            self.headers = response.headers
            self.cache = response.headers.get("X-Cache")
            self.cache_control = response.headers.get("Cache-Control")
            self.body = response.read()
            self.text = self.body.decode(errors="replace")


@pytest.fixture
def article(home):
    return ArticleFactory(parent=SectionFactory(title="Belgique", slug="belgique"), slug="budget", title=TITLE)


def correct(article):
    article.title = CORRECTED
    publish(article)


def assert_cached(server):
    first, second = Answer(server + PATH), Answer(server + PATH)
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert TITLE in second.text and CORRECTED not in second.text


def test_a_correction_shows_at_once_on_every_server_process(article, serve):
    servers = serve(2)
    for server in servers:
        assert_cached(server)
    correct(article)
    for server in servers:
        answer = Answer(server + PATH)
        assert answer.cache == "MISS"
        assert CORRECTED in answer.text
        assert Answer(server + PATH).cache == "HIT"


def test_the_workers_of_one_server_render_a_page_once_between_them(article, servers):
    server = servers(workers=2)
    correct(article)
    answers = [Answer(server.url + PATH) for _ in range(40)]
    assert all(CORRECTED in answer.text for answer in answers)
    # The kernel spreads connections over both workers: each holds its copy, only one was rendered.
    labels = [answer.cache for answer in answers]
    assert labels.count("MISS") == 1 and "ASSEMBLED" in labels, labels


def logged_in(user, visit="/"):
    """The Cookie header of USER's session, with the cookies Django adds once it sees them (edge/personal.py)."""
    client = Client()
    client.force_login(user)
    client.get(visit)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items() if morsel.value)


def test_logged_in_readers_get_the_shared_page_and_their_name_from_their_cookie(article, serve):
    users = get_user_model().objects
    readers = [users.create_user(f"lecteur{n}", first_name=name, last_name="Lambert") for n, name in enumerate(("Aline", "Bruno"))]
    cookies = [logged_in(reader) for reader in readers]
    assert all(personal.READER_COOKIE in cookie for cookie in cookies)
    assert all(personal.STAFF_COOKIE not in cookie for cookie in cookies)
    (server,) = serve(1)
    first = Answer(server + PATH, cookie=cookies[0])
    second, anonymous = Answer(server + PATH, cookie=cookies[1]), Answer(server + PATH)
    assert (first.cache, second.cache, anonymous.cache) == ("MISS", "HIT", "HIT")
    assert first.body == second.body == anonymous.body
    for page in (first, second):
        assert "Aline" not in page.text and "Bruno" not in page.text and "lecteur" not in page.text
    names = [personal.reader_name(cookie.split(f"{personal.READER_COOKIE}=")[1].split(";")[0]) for cookie in cookies]
    assert names == ["Aline Lambert", "Bruno Lambert"]


def test_staff_still_get_their_own_uncached_page_with_the_user_bar(article, serve, staff):
    cookie = logged_in(staff["editor"], visit="/admin/")
    assert personal.STAFF_COOKIE in cookie
    (server,) = serve(1)
    assert_cached(server)
    for _ in range(2):
        answer = Answer(server + PATH, cookie=cookie)
        assert answer.cache is None and answer.cache_control == "private, no-cache"
        assert "wagtail-userbar" in answer.text
    assert "wagtail-userbar" not in Answer(server + PATH).text, "the staff page did not replace the shared one"


def test_a_correction_invalidates_the_pages_that_show_it_and_no_other(article, home, serve):
    from manchette.news.models import FrontPageLead

    section = article.get_parent()
    other_section = SectionFactory(title="Monde", slug="monde")
    other = ArticleFactory(parent=other_section, slug="sommet", title="Sommet à Bruxelles")
    FrontPageLead.objects.create(page=home, article=article, sort_order=0)
    (server,) = serve(1)
    showing = ["/", "/belgique/", PATH, "/rss/", "/belgique/rss/"]
    not_showing = ["/monde/", "/monde/sommet/", "/monde/rss/"]
    for path in showing + not_showing:
        Answer(server + path)
        assert Answer(server + path).cache == "HIT", path
    correct(article)
    for path in showing:
        answer = Answer(server + path)
        assert (path, answer.cache) == (path, "MISS") and CORRECTED.split()[-1] in answer.text, path
    for path in not_showing:
        # The fil info block on every page names the article too: it is rendered once, and put in place.
        assert (path, Answer(server + path).cache) in ((path, "HIT"), (path, "ASSEMBLED"))
    assert section.pk and other.pk


def test_a_kept_not_found_goes_when_its_url_goes_live(home, serve):
    from manchette.news.tests.factories import ArticleFactory as Factory

    section = SectionFactory(title="Belgique", slug="belgique")
    (server,) = serve(1)
    for expected in ("MISS", "HIT"):
        answer = Answer(server + "/belgique/embargo/")
        assert (answer.status, answer.cache) == (404, expected)
    draft = Factory.build(title="Levée d’embargo", slug="embargo", live=False)
    section.add_child(instance=draft)
    publish(draft)
    answer = Answer(server + "/belgique/embargo/")
    assert (answer.status, answer.cache) == (200, "MISS")


def test_a_restricted_page_is_never_shared_whoever_asks_first(article, serve):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    members = Group.objects.create(name="Abonnés")
    restriction = PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(members)
    subscriber = get_user_model().objects.create_user("abonne", first_name="Chloé")
    subscriber.groups.add(members)
    cookie = logged_in(subscriber)
    (server,) = serve(1)
    for _ in range(2):
        allowed = Answer(server + PATH, cookie=cookie)
        assert allowed.status == 200 and TITLE in allowed.text and allowed.cache is None
        assert "private" in allowed.cache_control
    for _ in range(2):
        refused = Answer(server + PATH)
        assert refused.cache in (None, "MISS") and TITLE not in refused.text


def test_a_conditional_request_gets_a_304_from_a_real_server(article, serve):
    (server,) = serve(1)
    first = Answer(server + PATH, headers={"Accept-Encoding": "gzip"})
    again = Answer(server + PATH, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert (again.status, again.body, again.headers["ETag"]) == (304, b"", first.headers["ETag"])
    for path in ("/rss/", "/sitemap.xml", "/fil-info/ninjs.json"):
        tag = Answer(server + path).headers["ETag"]
        assert Answer(server + path, headers={"If-None-Match": tag}).status == 304, path
    # Feeds say when their newest item was published: a reader may ask by date.
    modified = Answer(server + "/rss/").headers["Last-Modified"]
    assert Answer(server + "/rss/", headers={"If-Modified-Since": modified}).status == 304
    assert Answer(server + "/rss/", headers={"If-Modified-Since": "Thu, 01 Jan 2015 00:00:00 GMT"}).status == 200


def wait_for_listeners(url, count):
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + START_TIMEOUT
    while dict(client.pubsub_numsub(CHANNEL))[CHANNEL.encode()] < count:
        assert time.monotonic() < deadline, "the servers never subscribed to the invalidation channel"
        time.sleep(0.05)


def test_a_correction_reaches_other_machines_through_redis(article, serve, redis_server, tmp_path, settings):
    redis_url = redis_server.url
    # Each server has a data dir of its own, as on separate machines: only Redis tells them.
    servers = [serve(1, MANCHETTE_DATA_DIR=str(tmp_path / name), REDIS_URL=redis_url)[0] for name in ("a", "b")]
    wait_for_listeners(redis_url, 2)
    for server in servers:
        assert_cached(server)
    settings.REDIS_URL = redis_url
    correct(article)
    for server in servers:
        deadline = time.monotonic() + 5
        while CORRECTED not in (answer := Answer(server + PATH)).text:
            assert time.monotonic() < deadline, "the other machine still serves the old title"
            time.sleep(0.02)
        assert answer.cache == "MISS"


def test_a_page_links_its_static_files_by_hashed_names_served_compressed_for_a_year(article, serve, tmp_path):
    import brotli

    from .test_files import collect_static

    static = tmp_path / "static"
    manifest = collect_static(static)
    (server,) = serve(1, STATIC_ROOT=str(static))
    css = f"/static/{manifest['manchette/site.css']}"
    assert f'href="{css}"' in Answer(server + PATH).text
    request = urllib.request.Request(server + css, headers={"Accept-Encoding": "gzip, deflate, br"})
    with urllib.request.urlopen(request, timeout=30) as response:
        headers, body = response.headers, response.read()
    assert (headers["Content-Encoding"], headers["Vary"]) == ("br", "Accept-Encoding")
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Type"].startswith("text/css") and headers["Content-Length"] == str(len(body))
    assert brotli.decompress(body) == (static / "manchette" / "site.css").read_bytes()


def test_junk_queries_hit_the_kept_page_and_a_trusted_proxys_https_is_another_entry(article, servers):
    server = servers(TRUSTED_PROXIES="127.0.0.1").url
    assert_cached(server)
    for n in range(300):
        assert Answer(f"{server}/robots.txt?flood={n}").status == 200
    assert Answer(f"{server}{PATH}?utm_source=lettre&utm_medium=email").cache == "HIT"
    assert Answer(f"{server}{PATH}?flood=1&flood=2").cache == "HIT"
    # Behind the proxy the reader came by https: a page of its own (its absolute URLs may differ).
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    assert [Answer(server + PATH, headers=https).cache for _ in range(2)] == ["MISS", "HIT"]
    assert Answer(server + PATH).cache == "HIT"
