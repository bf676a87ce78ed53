"""Safe production defaults: no public SECRET_KEY in production, the hosts of SITE_URL only, HTTPS settings, and a
Content-Security-Policy without nonces on reader pages, kept with the pages the edge serves."""

import asyncio
import os
import stat
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.handlers.asgi import ASGIRequest
from django.middleware.security import SecurityMiddleware
from django.test import Client
from django.urls import path

from manchette import cli
from manchette import urls as project_urls
from manchette.edge import security
from manchette.edge.proxies import TrustedProxies
from manchette.edge.stack import Stack
from manchette.news.tests.factories import ArticleFactory, SectionFactory

CSP = "Content-Security-Policy"


def manchette(*args, timeout=120, **env):
    """`manchette ARGS…` in a bare environment (no SECRET_KEY unless ENV gives one)."""
    base = {"PATH": "/usr/bin:/bin", "MANCHETTE_DATA_DIR": env.pop("data_dir"), "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "manchette.cli", *args], cwd=settings.PACKAGE_DIR.parent, env={**base, **env},
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )


SHOW_SETTINGS = """
from django.conf import settings as s
print("RESULT", s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,
      s.SECURE_HSTS_SECONDS, getattr(s, "SECURE_PROXY_SSL_HEADER", None))
"""


def test_serve_refuses_to_start_without_a_secret_key(tmp_path):
    result = manchette("serve", "--port", "1", data_dir=str(tmp_path))
    assert result.returncode == 2
    assert "SECRET_KEY n’est pas définie" in result.stderr and "export SECRET_KEY=" in result.stderr
    assert not (tmp_path / "manchette.sqlite3").exists(), "it stops before migrating anything"


def test_check_deploy_reports_the_public_default_key(tmp_path):
    result = manchette("check", "--deploy", data_dir=str(tmp_path))
    assert result.returncode != 0
    assert "manchette.E001" in result.stderr and "SECRET_KEY n’est pas définie" in result.stderr
    # Django's own check says so too: the default key starts with django-insecure-.
    assert "security.W009" in result.stderr
    good = manchette("check", "--deploy", data_dir=str(tmp_path), SECRET_KEY="k" * 10 + os.urandom(30).hex())
    assert "manchette.E001" not in good.stderr


def test_allowed_hosts_come_from_site_url_and_https_makes_cookies_secure(tmp_path):
    https = manchette("shell", "-c", SHOW_SETTINGS, data_dir=str(tmp_path), SITE_URL="https://www.journal.example/")
    assert https.returncode == 0, https.stderr
    assert "RESULT ['www.journal.example'] ['https://www.journal.example'] True True 31536000 None" in https.stdout
    demo = manchette("shell", "-c", SHOW_SETTINGS, data_dir=str(tmp_path))
    assert "RESULT ['127.0.0.1', 'localhost', '[::1]'] ['http://127.0.0.1:8000'] False False 0 None" in demo.stdout
    operator = manchette(
        "shell", "-c", SHOW_SETTINGS, data_dir=str(tmp_path), SITE_URL="https://www.journal.example",
        ALLOWED_HOSTS="journal.example, .journal.example", SECURE_HSTS_SECONDS="600",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", SESSION_COOKIE_SECURE="false",
    )
    assert (
        "RESULT ['journal.example', '.journal.example'] ['https://www.journal.example'] False True 600 "
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    ) in operator.stdout


def test_the_demo_keeps_a_key_of_its_own_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("MANCHETTE_DATA_DIR", str(tmp_path / "var"))
    key = cli.demo_secret_key()
    assert len(key) >= 50 and key != settings.DEFAULT_SECRET_KEY
    assert stat.S_IMODE((tmp_path / "var" / "secret-key").stat().st_mode) == 0o600
    assert cli.demo_secret_key() == key, "the same key after a restart: sessions survive"


def test_the_demo_remakes_an_empty_key_file_and_writes_it_whole(tmp_path, monkeypatch):
    """An empty var/secret-key (a crash right after its creation) is made again, not read as no key at all (which
    fell back to the public key, and serve then refused to start)."""
    monkeypatch.setenv("MANCHETTE_DATA_DIR", str(tmp_path))
    (tmp_path / "secret-key").write_text("\n")
    key = cli.demo_secret_key()
    assert len(key) >= 50 and key != settings.DEFAULT_SECRET_KEY
    assert (tmp_path / "secret-key").read_text().strip() == key
    assert stat.S_IMODE((tmp_path / "secret-key").stat().st_mode) == 0o600
    assert cli.demo_secret_key() == key
    # Written whole in a file of its own, then given its name: nothing else is left behind.
    assert [child.name for child in tmp_path.iterdir()] == ["secret-key"]
    writes = []
    real_open = os.open

    def record_open(path, *args, **kwargs):
        writes.append(os.path.basename(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", record_open)
    (tmp_path / "secret-key").unlink()
    assert cli.demo_secret_key() != key
    assert writes and "secret-key" not in writes, "the key's own name is never opened to be written"


def test_the_worker_refuses_the_public_default_key(tmp_path):
    result = manchette("worker", "--interval", "1", data_dir=str(tmp_path), timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("manchette worker : SECRET_KEY n’est pas définie")
    assert "export SECRET_KEY=" in result.stderr
    assert not (tmp_path / "manchette.sqlite3").exists(), "it stops before migrating anything"


@pytest.mark.django_db
def test_a_foreign_host_is_refused(client, home):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 200


def policy(response):
    return dict(part.strip().split(" ", 1) for part in response[CSP].split(";"))


@pytest.mark.django_db
def test_reader_pages_have_a_content_security_policy_without_nonce(client, home):
    section = SectionFactory(title="Belgique", slug="belgique")
    for url in ("/", section.url, "/fil-info/", "/recherche/?q=budget"):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = policy(response)
        assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'", url
        assert directives["frame-ancestors"] == "'none'" and response["X-Frame-Options"] == "DENY"
        assert "nonce" not in response[CSP]
        soup = BeautifulSoup(response.content, "html.parser")
        assert not soup.select("style, [style]"), f"{url} has inline styles"
        assert all(s.get("src") or s.get("type") == "application/ld+json" for s in soup.select("script")), url
    missing = client.get("/nulle-part/")
    assert missing.status_code == 404 and policy(missing)["script-src"] == "'self'"


@pytest.mark.django_db
def test_an_article_allows_its_own_style_by_its_hash(client, home):
    section = SectionFactory(title="Belgique", slug="belgique")
    article, other = ArticleFactory(parent=section), ArticleFactory(parent=section)
    styles = {}
    for page in (article, other):
        response = client.get(page.url)
        style = BeautifulSoup(response.content, "html.parser").select_one("head style").string
        assert f'[data-page="{page.pk}"]' in style
        assert policy(response)["style-src"] == f"'self' {security.csp_hash(style)}"
        styles[page.pk] = style
    assert styles[article.pk] != styles[other.pk]


@pytest.mark.django_db
def test_the_admin_has_no_reader_policy(client, home):
    response = client.get("/admin/login/")  # a redirect to allauth's login, a reader's page with the policy
    assert response.status_code == 302 and CSP not in response
    user = get_user_model().objects.create_superuser("chef", "chef@example.com", "motdepasse-solide")
    client.force_login(user)
    assert CSP not in client.get(f"/admin/pages/{home.pk}/")


@pytest.mark.django_db
def test_hsts_on_every_answer_of_an_https_site(client, home, settings):
    assert "Strict-Transport-Security" not in client.get("/")
    settings.SITE_IS_HTTPS, settings.SECURE_HSTS_SECONDS = True, 3600
    # Plain HTTP as Django sees it (a proxy that ends TLS): the header is sent anyway, and kept with the page.
    assert client.get("/")["Strict-Transport-Security"] == "max-age=3600"
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


def explode(request):
    raise RuntimeError("panne simulée")


# This module is also a URLconf (pytest.mark.urls below): the site's URLs, its error handlers and a view that fails.
urlpatterns = [path("panne/", explode), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.mark.urls(__name__)
def test_the_error_page_style_is_allowed_by_its_hash(db):
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500
    styles = BeautifulSoup(response.content, "html.parser").select("style")
    assert len(styles) == 1, "the error page carries its own style"
    assert policy(response)["style-src"].split() == ["'self'", security.csp_hash(styles[0].string)]


def test_the_scheme_comes_from_trusted_proxies_only_and_ssl_redirect_follows_it(settings):
    """SECURE_SSL_REDIRECT behind a proxy needs TRUSTED_PROXIES only: Django reads the scheme the stack gave."""
    settings.SECURE_SSL_REDIRECT = True
    assert settings.SECURE_PROXY_SSL_HEADER is None, "not set by default"
    proxies = TrustedProxies(["10.0.0.0/8"])
    seen = []

    async def app(scope, receive, send):
        seen.append(scope)

    def secure_redirect(peer, proto):
        scope = {
            "type": "http", "method": "GET", "path": "/", "query_string": b"", "scheme": "http", "client": (peer, 5555),
            "headers": [(b"host", b"127.0.0.1"), (b"x-forwarded-proto", proto.encode())],
        }
        asyncio.run(Stack(app, proxies=proxies)(scope, None, None))
        return SecurityMiddleware(lambda request: None).process_request(ASGIRequest(seen[-1], None))

    # A client claiming https over http, from anywhere but the proxy, is redirected (its first value too).
    assert secure_redirect("203.0.113.9", "https").status_code == 301
    assert secure_redirect("203.0.113.9", "https, http").status_code == 301
    # The proxy's word counts, and its last value (the one it set itself).
    assert secure_redirect("10.0.0.5", "https") is None
    assert secure_redirect("10.0.0.5", "https, http").status_code == 301


def test_check_deploy_warns_about_secure_proxy_ssl_header(settings):
    assert security.check_proxy_ssl_header(None) == []
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    (alone,) = security.check_proxy_ssl_header(None)
    assert alone.id == "manchette.W001" and "sans TRUSTED_PROXIES" in alone.msg and "TRUSTED_PROXIES" in alone.hint
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    (both,) = security.check_proxy_ssl_header(None)
    assert both.id == "manchette.W001" and "TRUSTED_PROXIES donne déjà le schéma" in both.msg


def test_check_deploy_reports_secure_proxy_ssl_header_from_the_environment(tmp_path):
    result = manchette(
        "check", "--deploy", data_dir=str(tmp_path), SECRET_KEY="k" * 10 + os.urandom(30).hex(),
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert "manchette.W001" in result.stderr and "sans TRUSTED_PROXIES" in result.stderr


# Real servers: the policy and HSTS stay with the pages the edge keeps, and the Host a test calls with is served.


def get(url, host=None):
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.status, error.headers


@pytest.mark.django_db(transaction=True)
def test_a_real_server_keeps_the_policy_and_hsts_on_cached_pages_and_refuses_foreign_hosts(home, servers):
    section = SectionFactory(title="Belgique", slug="belgique")
    article = ArticleFactory(parent=section)
    server = servers(SITE_URL="https://127.0.0.1")
    for url in ("/", section.url, article.url):
        answers = [get(server.url + url) for _ in range(2)]
        assert [status for status, _ in answers] == [200, 200]
        assert [headers["X-Cache"] for _, headers in answers] == ["MISS", "HIT"], url
        for _, headers in answers:
            assert "script-src 'self'" in headers[CSP]
            assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "'sha256-" in answers[1][1][CSP], "the article's own style, kept with it"
    assert get(server.url + "/", host="evil.example")[0] == 400
    assert get(server.url + "/", host="evil.example")[1].get("X-Cache") != "HIT"
