"""Safe production defaults: a real SECRET_KEY, HSTS on every answer of an https site, and a
Content-Security-Policy without nonces.

A page the edge keeps is sent byte for byte to every reader, headers included: a nonce would be the same for
all of them, hence no secret. The policy therefore allows the site's own files ('self') and, for an inline
<style> a template cannot do without, the hash of that very style, in the header of the page that holds it:
`{% hashed_style %}` (edge_tags) records the hash on the request while the page renders, and
ContentSecurityPolicyMiddleware adds it to style-src. The article page's rule that hides the article itself
in the blocks every article shares (fragments.py) is such a style: its text names the page's id, so each
article has its own hash, stored with the page and its header alike.
"""

import base64
import hashlib
import re

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

# The error page (templates/500.html) carries its own style, so it shows without any static file.
ERROR_TEMPLATE = settings.PACKAGE_DIR / "templates" / "500.html"


def insecure_secret_key():
    """Why SECRET_KEY must not serve in production, in French, or None when it may."""
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        return _(
            "SECRET_KEY n’est pas définie : la clé par défaut est publique, et quiconque la connaît peut "
            "signer des sessions et se connecter à la place de n’importe qui."
        )
    return None


def refuse_to_serve():
    """The message `manchette serve` and `manchette worker` stop with, in French, or None when they may start."""
    reason = insecure_secret_key()
    if reason is None or settings.DEBUG:
        return None
    return _(
        "%(reason)s\nDonnez-lui une valeur secrète et longue (50 caractères au moins), la même pour toutes "
        "les machines du site, par exemple :\n  export SECRET_KEY=\"$(python3 -c 'import secrets; "
        "print(secrets.token_urlsafe(50))')\"\n`manchette demo`, qui ne sert que cette machine, se fait une clé à lui."
    ) % {"reason": reason}


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    """`manchette check --deploy` reports the public default key as an error."""
    reason = insecure_secret_key()
    if reason is None:
        return []
    return [checks.Error(reason, hint=_("Définissez la variable d’environnement SECRET_KEY."), id="manchette.E001")]


def proxy_ssl_header_warnings():
    """Why SECURE_PROXY_SSL_HEADER should go, in French: TRUSTED_PROXIES is the one way to learn the scheme."""
    if not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return []
    # Django believes this header from any peer and takes its first value; TRUSTED_PROXIES (edge/proxies.py)
    # believes X-Forwarded-Proto from the trusted proxies only, its last value, and gives Django the scheme in
    # the ASGI scope (request.is_secure() follows it when SECURE_PROXY_SSL_HEADER is unset). With both, the two
    # can disagree: an http request claiming https is neither redirected nor kept under the right key.
    if settings.TRUSTED_PROXIES:
        message = _(
            "SECURE_PROXY_SSL_HEADER est posée alors que TRUSTED_PROXIES donne déjà le schéma : Django croit "
            "cet en-tête de n’importe qui et en prend la première valeur, et peut contredire les proxys de "
            "confiance."
        )
    else:
        message = _(
            "SECURE_PROXY_SSL_HEADER est posée sans TRUSTED_PROXIES : Django croit cet en-tête de quiconque "
            "joint le serveur, qui peut se dire en HTTPS sur une connexion HTTP et échapper à "
            "SECURE_SSL_REDIRECT."
        )
    return [
        checks.Warning(
            message,
            hint=_(
                "Retirez SECURE_PROXY_SSL_HEADER et donnez les adresses du proxy dans TRUSTED_PROXIES : le "
                "schéma de X-Forwarded-Proto est alors cru de lui seul, par Django comme par le cache."
            ),
            id="manchette.W001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_proxy_ssl_header(app_configs, **kwargs):
    """`manchette check --deploy` warns about SECURE_PROXY_SSL_HEADER: TRUSTED_PROXIES is the documented way."""
    return proxy_ssl_header_warnings()


def csp_hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode("ascii") + "'"


def allow_inline(request, directive, text):
    """Allows the inline TEXT (a <style>'s content) in DIRECTIVE of REQUEST's answer, by its hash."""
    if request is None:
        return
    allowed = request.__dict__.setdefault("csp_inline", {})
    allowed.setdefault(directive, []).append(csp_hash(text))


def _error_page_style():
    match = re.search(r"<style>(.*?)</style>", ERROR_TEMPLATE.read_text(), re.S)
    return csp_hash(match.group(1)) if match else None


ERROR_PAGE_STYLE = _error_page_style()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware (settings.CONTENT_SECURITY_POLICY), plus the hashes the page's templates gave."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        inline = dict(getattr(request, "csp_inline", {}))
        if response.status_code == 500 and ERROR_PAGE_STYLE:
            inline.setdefault("style-src", []).append(ERROR_PAGE_STYLE)
        if inline and not report_only:
            update = dict(parts.update or {})
            for directive, hashes in inline.items():
                update[directive] = [*update.get(directive, ()), *hashes]
            parts.update = update
        return parts


class StrictTransportSecurityMiddleware:
    """HSTS on every answer of a site whose public address is https (SECURE_HSTS_SECONDS).

    Django's SecurityMiddleware sends it only on requests it knows came by HTTPS, which a proxy that ends TLS
    hides unless its address is in TRUSTED_PROXIES; and a page kept by the edge keeps the headers of its first
    render. Browsers ignore the header on plain HTTP, so sending it always is safe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SECURE_HSTS_SECONDS and settings.SITE_IS_HTTPS and "Strict-Transport-Security" not in response:
            value = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                value += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                value += "; preload"
            response["Strict-Transport-Security"] = value
        return response
