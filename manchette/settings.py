"""Manchette settings: one module, driven by environment variables.

With nothing set, the demo runs on SQLite (WAL) under ./var with a local-memory cache.
DATABASE_URL switches to PostgreSQL, REDIS_URL to a shared Redis cache and message bus.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MANCHETTE_DATA_DIR", Path.cwd() / "var")).resolve()


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    return [item.strip() for item in os.environ.get(name, ",".join(default)).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# Public, hence worthless: `manchette serve` refuses it outside DEBUG and `check --deploy` reports it
# (edge/security.py); `manchette demo` makes a key of its own, kept in DATA_DIR/secret-key.
DEFAULT_SECRET_KEY = "django-insecure-manchette-public-demo-key-never-use-it-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or DEFAULT_SECRET_KEY
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Le Quotidien de Manchette")
_site = urlsplit(SITE_URL)
SITE_IS_HTTPS = _site.scheme == "https"
# The host names a request may carry: SITE_URL's unless ALLOWED_HOSTS says otherwise; a site on this machine
# (the demo) answers to every name of the loopback.
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
_site_host = f"[{_site.hostname}]" if ":" in (_site.hostname or "") else (_site.hostname or "")
_default_hosts = [_site_host, *LOOPBACK_HOSTS] if _site_host in LOOPBACK_HOSTS or DEBUG else [_site_host]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", dict.fromkeys(_default_hosts))
# SITE_URL's origin, so the admin's forms pass Django's Origin check behind a proxy that ends HTTPS.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"{_site.scheme}://{_site.netloc}"])

INSTALLED_APPS = [
    "manchette.news",
    "manchette.filinfo",
    "manchette.wires",
    "manchette.search",
    "manchette.edge",
    "manchette.periodic",
    "manchette.live",
    "manchette.accounts",
    "manchette.comments",
    "manchette.automoderation",
    "manchette.dsa",
    "manchette.newsletters",
    "manchette.operations",
    "manchette.demo",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "csp",
]

MIDDLEWARE = [
    # First: a write waits for its turn before anything works on it (edge/admission.py).
    "manchette.edge.admission.WriteAdmissionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Below Django's: HSTS whatever scheme the request came by, CSP with the page's own hashes (edge/security.py).
    "manchette.edge.security.StrictTransportSecurityMiddleware",
    "manchette.edge.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "manchette.edge.middleware.CacheHeadersMiddleware",
    "manchette.news.visibility.VisibilityMiddleware",
    # Below the cache headers: a cookie it sets makes the answer private.
    "manchette.edge.personal.PersonalCookiesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # After CSRF's check: a forged request is refused before it counts (accounts/middleware.py).
    "manchette.accounts.middleware.PasswordResetLimitMiddleware",
    # Last, as axes wants it: it turns a login its backend refused into the French 429 (accounts/responses.py),
    # which the cache headers above then mark private.
    "axes.middleware.AxesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff whose role must use two-factor authentication are sent to set it up before the admin (accounts/middleware.py).
    "manchette.accounts.middleware.TwoFactorRequiredMiddleware",
    # Account pages are the reader's own: the edge asks for them with the reader's cookies (accounts/middleware.py).
    "manchette.accounts.middleware.AccountPagesMiddleware",
]

ROOT_URLCONF = "manchette.urls"
WSGI_APPLICATION = "manchette.wsgi.application"
ASGI_APPLICATION = "manchette.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "manchette.news.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in WAL mode by default, anything dj-database-url reads otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# What every SQLite database needs beside a running server: WAL, writers that queue instead of failing.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA busy_timeout=20000;"
        "PRAGMA cache_size=-65536;"
        "PRAGMA mmap_size=268435456;"
    ),
}
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI each concurrent request would open its own connection; a bounded pool shares them.
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")),
            "timeout": 20,
        }
    elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(DATA_DIR / "manchette.sqlite3")),
            "OPTIONS": dict(SQLITE_OPTIONS),
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH", str(DATA_DIR / "test.sqlite3"))},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "manchette",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# The test suite's processes only (manchette/testing/pytest_plugin.py sets it for them and the servers they start):
# a password hash that costs microseconds instead of a quarter of a second. Never set it anywhere else.
if env_bool("MANCHETTE_TESTS_FAST_PASSWORD_HASHER"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Brute-force protection at Django's authentication layer (django-axes, manchette/accounts/throttle.py), for
# every login that calls authenticate() with the request: Wagtail's admin, readers' logins to come.
# An account is locked out from one address after LOGIN_FAILURE_LIMIT failures there, for LOGIN_LOCKOUT_MINUTES;
# from every other address it still logs in. An account that failed LOGIN_ACCOUNT_FAILURE_LIMIT times in that
# time, from anywhere, takes one attempt per LOGIN_ACCOUNT_DELAY_SECONDS from each address, except from an address
# it logged in from within LOGIN_KNOWN_ADDRESS_DAYS. An IPv6 address counts with its /64.
AUTHENTICATION_BACKENDS = [
    "manchette.accounts.backends.LoginProtectionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_HANDLER = "manchette.accounts.throttle.LoginHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# Attempts refused during a lockout neither count nor extend it: the page says when it ends, and it does.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "manchette.accounts.throttle.client_address"
AXES_USERNAME_CALLABLE = "manchette.accounts.throttle.client_username"
# allauth's login form names its field "login" (an e-mail address or a username): throttle.py turns either into
# the account's username, so an account's failures count together however it was named.
AXES_USERNAME_FORM_FIELD = "login"
AXES_LOCKOUT_CALLABLE = "manchette.accounts.responses.lockout_response"
AXES_ENABLE_ADMIN = False
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("LOGIN_ACCOUNT_FAILURE_LIMIT", "20"))
LOGIN_ACCOUNT_DELAY_SECONDS = int(os.environ.get("LOGIN_ACCOUNT_DELAY_SECONDS", "5"))
LOGIN_KNOWN_ADDRESS_DAYS = int(os.environ.get("LOGIN_KNOWN_ADDRESS_DAYS", "30"))
# Password reset e-mails asked for, per address and per e-mail address, within the window (accounts/middleware.py).
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "10"))
PASSWORD_RESET_LIMIT_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_EMAIL", "3"))
PASSWORD_RESET_WINDOW_SECONDS = int(os.environ.get("PASSWORD_RESET_WINDOW_SECONDS", "3600"))

# HTTPS (docs/operations.md, « HTTPS derrière un proxy »). Whether requests came by HTTPS comes from
# TRUSTED_PROXIES (edge/proxies.py sets the ASGI scope's scheme, which request.is_secure() follows). Django's
# SECURE_PROXY_SSL_HEADER (believed from any peer, first value) is still read for old setups, and
# `check --deploy` warns about it (manchette.W001): X-Forwarded-Proto (value https), or X-Forwarded-Proto=on.
if os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    _header = os.environ["SECURE_PROXY_SSL_HEADER"].split("=", 1)
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _header[0].strip().upper().replace("-", "_"), _header[1].strip() if len(_header) > 1 else "https",
    )
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
# A site whose public address is https sends its cookies over HTTPS only, and tells browsers to come back by
# HTTPS for a year (HSTS, on every answer: edge/security.py); subdomains and preloading only when asked.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SITE_IS_HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SITE_IS_HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if SITE_IS_HTTPS else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every page but the admin's (its pages run inline scripts; Wagtail's previews are
# under /admin/ too). No nonce: a shared page gives every reader the same bytes. Scripts and styles come from
# the site's own files; an inline <style> a template needs is allowed by its hash, in the header of its own
# page ({% hashed_style %}, edge/security.py). JSON-LD is data, which script-src does not govern.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", *env_list("CSP_IMG_SRC")],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],  # as X_FRAME_OPTIONS
    },
}

LANGUAGE_CODE = "fr-be"
LANGUAGES = [("fr-be", "Français"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAIL_USER_TIME_ZONES = ["Europe/Brussels"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (site.570e85425c89.css) listed in staticfiles.json, with .br and .gz copies beside each
    # file (servestatic): edge/files.py serves them for a year, in the encoding the reader's browser accepts.
    "staticfiles": {"BACKEND": "manchette.edge.files.StaticStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "20"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "redaction@manchette.example")

# Accounts (django-allauth, manchette/accounts): readers and staff log in with their e-mail address, which they
# confirm by a link before they may log in; no page tells whether an address has an account.
# Staff may also give their username (readers get one made by allauth, which they never see).
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_ADAPTER = "manchette.accounts.adapter.AccountAdapter"
# The name readers comment under, asked at signup as READER_NAME_POLICY says (accounts/forms.py).
ACCOUNT_SIGNUP_FORM_CLASS = "manchette.accounts.forms.SignupForm"
# A reader who confirms their address is logged in and lands on their account page, which says so.
ACCOUNT_SIGNUP_REDIRECT_URL = "/compte/"
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "/compte/"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _site.scheme or "http"
# allauth's own limits (per address, per e-mail address, per account), its defaults made explicit.
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    # Per address only: a limit per account ("…/key") would let anyone lock the editor-in-chief out from
    # everywhere by failing her password five times. Axes limits each account per address, and slows an
    # account failing from many addresses, without locking it out (accounts/throttle.py).
    "login_failed": "10/m/ip",
    "confirm_email": "1/3m/key",
}
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
LOGIN_REDIRECT_URL = "/"
# The name readers comment under: "full_name" (first and last name, as dailies show them) or "pseudonym".
READER_NAME_POLICY = os.environ.get("READER_NAME_POLICY", "full_name")
# What happens to a deleted account's comments: "anonymise" (kept, shown as « Compte supprimé ») or "remove".
COMMENTS_ON_ACCOUNT_DELETION = os.environ.get("COMMENTS_ON_ACCOUNT_DELETION", "anonymise")
# Articles whose section says nothing: "open", "premoderated" or "closed".
COMMENTS_DEFAULT = os.environ.get("COMMENTS_DEFAULT", "open")
# Days a rejected comment's text is kept after the decision (comments/retention.py): the decision record stays.
COMMENTS_REJECTED_RETENTION_DAYS = int(os.environ.get("COMMENTS_REJECTED_RETENTION_DAYS", "190"))
# How often a reader may post, edit or report (manchette/comments/ratelimit.py): "count/seconds", comma-separated.
COMMENTS_RATE_PER_ACCOUNT = os.environ.get("COMMENTS_RATE_PER_ACCOUNT", "5/60,30/3600")
COMMENTS_RATE_PER_ADDRESS = os.environ.get("COMMENTS_RATE_PER_ADDRESS", "20/60")
# Moderation desks (comments.DeskAssignment): when on, a moderator with desks acts only on the comments of their
# sections (a 403 otherwise); when off, desks only choose what their queue shows first.
COMMENTS_DESKS_ENFORCED = env_bool("COMMENTS_DESKS_ENFORCED", False)
# EU Digital Services Act (manchette/dsa): notices, statements of reasons and reviews are kept this many days after
# the decision (never fewer than the six months of complaints, Art. 20); the address readers write to about them
# (Art. 12, DEFAULT_FROM_EMAIL when empty); notices and review requests accepted per network address.
DSA_RETENTION_DAYS = int(os.environ.get("DSA_RETENTION_DAYS", "400"))
DSA_CONTACT_EMAIL = os.environ.get("DSA_CONTACT_EMAIL", "")
DSA_RATE_PER_ADDRESS = os.environ.get("DSA_RATE_PER_ADDRESS", "5/600,20/86400")
# Readers' trust (automoderation/trust.py): trusted (no pre-moderation, links shown) after this many comments a
# moderator approved and no rejection in the last QUIET_DAYS days; pre-moderated again when "rejected/last" of
# their last decided comments were refused. 0 turns either off; a moderator's choice overrides both.
COMMENTS_TRUST_APPROVED = int(os.environ.get("COMMENTS_TRUST_APPROVED", "5"))
COMMENTS_TRUST_QUIET_DAYS = int(os.environ.get("COMMENTS_TRUST_QUIET_DAYS", "30"))
COMMENTS_DISTRUST_REJECTED = os.environ.get("COMMENTS_DISTRUST_REJECTED", "3/10")
# The classifier learned from the moderators (automoderation/classifier.py, `manchette train_moderation`): a comment
# scored at THRESHOLD or more waits for a moderator; a model is put in service only if trained on MIN_DECISIONS
# decisions or more and as precise and complete on the decisions held out as the floors say.
# Hours between two trainings of the classifier by the worker (automoderation/classifier.py retrain); 0: never.
COMMENTS_CLASSIFIER_TRAIN_HOURS = float(os.environ.get("COMMENTS_CLASSIFIER_TRAIN_HOURS", "24"))
COMMENTS_CLASSIFIER_THRESHOLD = float(os.environ.get("COMMENTS_CLASSIFIER_THRESHOLD", "0.6"))
COMMENTS_CLASSIFIER_MIN_DECISIONS = int(os.environ.get("COMMENTS_CLASSIFIER_MIN_DECISIONS", "200"))
COMMENTS_CLASSIFIER_MIN_PRECISION = float(os.environ.get("COMMENTS_CLASSIFIER_MIN_PRECISION", "0.8"))
COMMENTS_CLASSIFIER_MIN_RECALL = float(os.environ.get("COMMENTS_CLASSIFIER_MIN_RECALL", "0.5"))
# Automatic flags (automoderation/rules.py, docs/moderation.md): links held unless the reader is trusted; the same
# text held when its reader posted it in the last REPEAT_MINUTES or REPEAT_ACCOUNTS accounts did within
# REPEAT_ACCOUNTS_MINUTES (texts of REPEAT_MIN_LETTERS letters or more); held beyond PACE ("count/seconds") comments
# by a reader; accounts younger than NEW_ACCOUNT_HOURS (0: off) held until NEW_ACCOUNT_APPROVED comments are
# published; SHOUTING_SHARE capitals among SHOUTING_LETTERS letters or more held; word lists read again after
# WORDS_REFRESH_SECONDS in each process (at once where a moderator changed them, everywhere with REDIS_URL).
COMMENTS_HOLD_LINKS = env_bool("COMMENTS_HOLD_LINKS", True)
COMMENTS_REPEAT_MINUTES = int(os.environ.get("COMMENTS_REPEAT_MINUTES", "1440"))
COMMENTS_REPEAT_ACCOUNTS = int(os.environ.get("COMMENTS_REPEAT_ACCOUNTS", "2"))
COMMENTS_REPEAT_ACCOUNTS_MINUTES = int(os.environ.get("COMMENTS_REPEAT_ACCOUNTS_MINUTES", "10"))
COMMENTS_REPEAT_MIN_LETTERS = int(os.environ.get("COMMENTS_REPEAT_MIN_LETTERS", "30"))
COMMENTS_PACE = os.environ.get("COMMENTS_PACE", "8/600")
COMMENTS_NEW_ACCOUNT_HOURS = int(os.environ.get("COMMENTS_NEW_ACCOUNT_HOURS", "0"))
COMMENTS_NEW_ACCOUNT_APPROVED = int(os.environ.get("COMMENTS_NEW_ACCOUNT_APPROVED", "1"))
COMMENTS_SHOUTING_LETTERS = int(os.environ.get("COMMENTS_SHOUTING_LETTERS", "30"))
COMMENTS_SHOUTING_SHARE = float(os.environ.get("COMMENTS_SHOUTING_SHARE", "0.7"))
COMMENTS_WORDS_REFRESH_SECONDS = int(os.environ.get("COMMENTS_WORDS_REFRESH_SECONDS", "30"))
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# What edge/personal.py shows in the masthead for a logged-in reader (edge may not import accounts), and
# allauth's pages and e-mails name the account by.
READER_DISPLAY_NAME = ACCOUNT_USER_DISPLAY = "manchette.accounts.names.display_name"
# Staff log in through allauth's login (and TOTP): Wagtail's login and its password reset lead there.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# An address is changed through allauth's page, which confirms it before it can log in.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False

WAGTAIL_SITE_NAME = SITE_NAME
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Addresses in ASCII: the admin's script pre-fills slugs that way, and news/slugs.py folds them on the server.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True
WAGTAILIMAGES_IMAGE_MODEL = "news.NewsImage"
# Newsroom: the image form asks for caption, credit and alternative text; avatars from the site, never Gravatar.
WAGTAILIMAGES_IMAGE_FORM_BASE = "manchette.news.image_forms.NewsImageForm"
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "jpeg", "webp": "webp", "avif": "avif"}
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "txt", "csv"]

# A CDN or Varnish in front is told to purge the moment a page changes (see docs/operations.md).
WAGTAILFRONTENDCACHE = {}
if os.environ.get("VARNISH_URL"):
    WAGTAILFRONTENDCACHE["varnish"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["VARNISH_URL"],
    }
if os.environ.get("CLOUDFLARE_ZONEID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": os.environ.get("CLOUDFLARE_BEARER_TOKEN", ""),
        "ZONEID": os.environ["CLOUDFLARE_ZONEID"],
    }
# Varnish servers running deploy/varnish/manchette.vcl, purged by key the moment keys are invalidated
# (edge/varnish.py): their addresses as the servers and workers reach them, separated by commas.
VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS")

# Seconds a CDN may keep an anonymous page; purges make it fresh before that.
# Page views counted by the server itself (edge/views_counter.py, « Les plus lus »): flushed to the database every
# VIEWS_FLUSH_SECONDS or once VIEWS_FLUSH_COUNT views wait; at most VIEWS_MAX_PATHS distinct paths in memory.
VIEWS_FLUSH_SECONDS = float(os.environ.get("VIEWS_FLUSH_SECONDS", "30"))
VIEWS_FLUSH_COUNT = int(os.environ.get("VIEWS_FLUSH_COUNT", "5000"))
VIEWS_MAX_PATHS = int(os.environ.get("VIEWS_MAX_PATHS", "10000"))
EDGE_CACHE_MAX_AGE = int(os.environ.get("EDGE_CACHE_MAX_AGE", "300"))
EDGE_CACHE_ENTRIES = int(os.environ.get("EDGE_CACHE_ENTRIES", "2000"))
EDGE_CACHE_BYTES = int(os.environ.get("EDGE_CACHE_BYTES", str(128 * 2**20)))
# The header carrying the keys of what a page shows, for a CDN to purge by: Surrogate-Key (Fastly, Varnish's
# xkey configured for it), Cache-Tag (Cloudflare, Akamai), xkey (Varnish's default).
# Where the masthead sends readers to log in and to their account (allauth's login, manchette/accounts' page).
LOGIN_URL = os.environ.get("LOGIN_URL", "/compte/login/")
ACCOUNT_URL = os.environ.get("ACCOUNT_URL", "/compte/")
EDGE_KEYS_HEADER = os.environ.get("EDGE_KEYS_HEADER", "Surrogate-Key")
# Addresses or networks (`10.0.0.0/8`, `::1`) of the proxies in front, separated by commas: from them alone
# X-Forwarded-For and X-Forwarded-Proto give the reader's address and scheme (edge/proxies.py). None by default.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# One line per request, the fast path's included (operations/accesslog.py): to stdout ("-"), appended to a file
# (a path), or "off"; JSON lines or Apache's combined format.
ACCESS_LOG = os.environ.get("ACCESS_LOG", "-").strip()
ACCESS_LOG_FORMAT = os.environ.get("ACCESS_LOG_FORMAT", "json").strip().lower()
# Prometheus metrics (operations/metrics.py): a listener of `manchette serve` for operators (host:port, "off"),
# and/or a path on the site's own address, for METRICS_NETWORKS or a bearer of METRICS_TOKEN only.
METRICS_ADDRESS = os.environ.get("METRICS_ADDRESS", "127.0.0.1:9108").strip()
METRICS_PATH = os.environ.get("METRICS_PATH", "").strip()
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "").strip()
METRICS_NETWORKS = env_list("METRICS_NETWORKS")

# Pages following topics live (manchette/live): events each process keeps per topic for readers who
# reconnect (the fil info's own number), topics kept in memory at most, bytes a slow reader may fall behind
# before its stream is closed (it then reconnects and replays), and how many streams one address and one
# process may hold.
FILINFO_REPLAY_EVENTS = int(os.environ.get("FILINFO_REPLAY_EVENTS", "1000"))
LIVE_REPLAY_EVENTS = int(os.environ.get("LIVE_REPLAY_EVENTS", "200"))
LIVE_TOPICS_IN_MEMORY = int(os.environ.get("LIVE_TOPICS_IN_MEMORY", "5000"))
LIVE_STREAM_BUFFER_BYTES = int(os.environ.get("LIVE_STREAM_BUFFER_BYTES", str(256 * 1024)))
# Per address on the whole machine (all the processes of one `manchette serve`; an IPv6 address counts with its
# /64). A mobile carrier puts many of its subscribers behind one public IPv4 address (CGNAT: often a few hundred
# to a few thousand lines per address); a reader holds one stream per open page, seldom more than two or three
# at once, so 200 still serves a hundred readers of one carrier address reading at the same moment, while a
# single host opening thousands is refused long before the process limit (LIVE_MAX_STREAMS).
LIVE_MAX_STREAMS_PER_CLIENT = int(os.environ.get("LIVE_MAX_STREAMS_PER_CLIENT", "200"))
LIVE_MAX_STREAMS = int(os.environ.get("LIVE_MAX_STREAMS", "20000"))
LIVE_HEARTBEAT_SECONDS = float(os.environ.get("LIVE_HEARTBEAT_SECONDS", "15"))

# What the server takes from a client before the application sees anything (edge/protocol.py): the
# request line, each header line, the whole head and the number of headers (beyond them: 414 or 431), the
# seconds a connection has to send a whole head (then 408 and closed), and the open connections each process
# holds at most (beyond: 503 at once); `manchette serve` keeps the last under the process's open-file limit.
HTTP_MAX_URL_BYTES = int(os.environ.get("HTTP_MAX_URL_BYTES", str(8 * 1024)))
HTTP_MAX_HEADER_BYTES = int(os.environ.get("HTTP_MAX_HEADER_BYTES", str(8 * 1024)))
HTTP_MAX_HEAD_BYTES = int(os.environ.get("HTTP_MAX_HEAD_BYTES", str(32 * 1024)))
HTTP_MAX_HEADERS = int(os.environ.get("HTTP_MAX_HEADERS", "100"))
HTTP_HEAD_TIMEOUT_SECONDS = float(os.environ.get("HTTP_HEAD_TIMEOUT_SECONDS", "10"))
# Seconds a request body may stand still (no byte of it) before the connection is closed.
HTTP_BODY_TIMEOUT_SECONDS = float(os.environ.get("HTTP_BODY_TIMEOUT_SECONDS", "30"))
# Requests that write (POST…) each server process works on at once; the others wait, at most that many seconds,
# then get 503 (edge/admission.py). 0: no limit.
SERVER_CONCURRENT_WRITES = int(os.environ.get("SERVER_CONCURRENT_WRITES", "2"))
SERVER_WRITE_WAIT_SECONDS = float(os.environ.get("SERVER_WRITE_WAIT_SECONDS", "20"))
HTTP_MAX_CONNECTIONS = int(os.environ.get("HTTP_MAX_CONNECTIONS", str(LIVE_MAX_STREAMS + 1000)))

# Wagtail's login form leaves its password label out of gettext.
WAGTAILADMIN_USER_LOGIN_FORM = "manchette.news.admin_forms.LoginForm"

# Largest request body the agencies' endpoint takes (manchette/wires); bigger ones get 413 unread.
WIRES_MAX_BODY_BYTES = int(os.environ.get("WIRES_MAX_BODY_BYTES", str(1024 * 1024)))
# Most items one sending to that endpoint may hold; a bigger one gets 413 and nothing of it is saved.
WIRES_MAX_ITEMS = int(os.environ.get("WIRES_MAX_ITEMS", "500"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

ARTICLES_PER_PAGE = 20
SEARCH_RESULTS_PER_PAGE = 20
READING_WORDS_PER_MINUTE = 230
MANCHETTE_SITE_LABEL = _("Le Quotidien de Manchette")

# Newsletters (manchette/newsletters, docs/operations.md « Newsletters »). Sent through the SMTP server above.
NEWSLETTER_FROM_EMAIL = os.environ.get("NEWSLETTER_FROM_EMAIL", f"{SITE_NAME} <{DEFAULT_FROM_EMAIL}>")
# The envelope sender of editions: with one set, each message gets its own (VERP, bounces+<jeton>@domaine), so a
# bounce that comes back later names its delivery; the mailbox is read through NEWSLETTER_BOUNCE_IMAP_URL
# (imap://utilisateur:mot-de-passe@hôte:port/INBOX, or imaps://).
NEWSLETTER_BOUNCE_ADDRESS = os.environ.get("NEWSLETTER_BOUNCE_ADDRESS", "")
NEWSLETTER_BOUNCE_IMAP_URL = os.environ.get("NEWSLETTER_BOUNCE_IMAP_URL", "")
# Messages per window of the SMTP server ("50/1,20000/3600": 50 a second and 20,000 an hour), sliding windows
# shared by every worker; empty: no limit.
NEWSLETTER_RATE_LIMIT = os.environ.get("NEWSLETTER_RATE_LIMIT", "")
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", "100"))
# SMTP connections each sending worker keeps open at once.
NEWSLETTER_SMTP_CONNECTIONS = int(os.environ.get("NEWSLETTER_SMTP_CONNECTIONS", "4"))
# Send tasks started per edition: each runs in a worker, so as many workers send at once.
NEWSLETTER_PARALLEL_SENDS = int(os.environ.get("NEWSLETTER_PARALLEL_SENDS", "2"))
# A send task hands over to a new one after this long, so the other background work is not held up.
NEWSLETTER_SLICE_SECONDS = float(os.environ.get("NEWSLETTER_SLICE_SECONDS", "20"))
# A sending worker not heard from for this long (or seen dead on this machine) loses its claimed messages.
NEWSLETTER_CLAIM_TIMEOUT = float(os.environ.get("NEWSLETTER_CLAIM_TIMEOUT", "60"))
# A scheduled edition missed by less than this is sent late, once; missed by more, it is skipped and reported.
NEWSLETTER_GRACE_MINUTES = int(os.environ.get("NEWSLETTER_GRACE_MINUTES", "120"))
NEWSLETTER_STALL_MINUTES = int(os.environ.get("NEWSLETTER_STALL_MINUTES", "10"))
NEWSLETTER_MAX_ATTEMPTS = int(os.environ.get("NEWSLETTER_MAX_ATTEMPTS", "5"))
NEWSLETTER_CONFIRM_HOURS = int(os.environ.get("NEWSLETTER_CONFIRM_HOURS", "48"))
NEWSLETTER_SIGNUP_RATE_PER_ADDRESS = os.environ.get("NEWSLETTER_SIGNUP_RATE_PER_ADDRESS", "10/600")
NEWSLETTER_SIGNUP_RATE_PER_EMAIL = os.environ.get("NEWSLETTER_SIGNUP_RATE_PER_EMAIL", "3/86400")
# DKIM: every message from the site is signed when a key is given (a PEM file; RSA).
DKIM_PRIVATE_KEY_FILE = os.environ.get("DKIM_PRIVATE_KEY_FILE", "")
DKIM_SELECTOR = os.environ.get("DKIM_SELECTOR", "manchette")
DKIM_DOMAIN = os.environ.get("DKIM_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2])
EMAIL_BACKEND = "manchette.newsletters.dkim.EmailBackend"

# Operations (docs/operations.md). Readiness (/sante/pret/, operations/health.py): each check's answer awaited at
# most this long; the worker counts as gone when no task started for this long (its tick is every minute).
HEALTH_CHECK_TIMEOUT_SECONDS = float(os.environ.get("HEALTH_CHECK_TIMEOUT_SECONDS", "1"))
HEALTH_WORKER_STALE_SECONDS = int(os.environ.get("HEALTH_WORKER_STALE_SECONDS", "180"))
# A probe that asks a server directly by http is answered, not redirected to https.
SECURE_REDIRECT_EXEMPT = [r"^sante/"]
# Error reports to Sentry or a compatible service, personal data taken out (operations/sentry.py); none without a DSN.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production")
SENTRY_RELEASE = os.environ.get("SENTRY_RELEASE", "")
