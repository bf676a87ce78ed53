"""Who is reading, told to the edge and to the page's script without a lookup per page view.

Two cookies, kept in step with the session by `PersonalCookiesMiddleware` whenever a request reaches Django
with a session:
- STAFF_COOKIE, for newsroom staff: the edge sends their requests to Django (user bar, previews), without
  looking anything up. Its value means nothing: a reader who sets it only loses the shared cache, and
  Django still decides from the session what they see.
- READER_COOKIE, for every logged-in reader: their display name, signed, readable by the page's script
  (not HttpOnly), which shows it in the masthead (static/edge/personal.js). The shared page itself names
  nobody.
"""

from django.conf import settings
from django.core import signing
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache

STAFF_COOKIE = "manchette_equipe"
READER_COOKIE = "manchette_lecteur"
SALT = "manchette.edge.personal"


def is_staff(user):
    return user.is_authenticated and (user.is_staff or user.has_perm("wagtailadmin.access_admin"))


def display_name(user):
    """The name READER_DISPLAY_NAME gives (the accounts app's, which edge may not import), else Django's."""
    hook = getattr(settings, "READER_DISPLAY_NAME", "")
    if hook:
        return import_string(hook)(user)
    return user.get_full_name().strip() or user.get_username()


def reader_value(user):
    return signing.dumps({"nom": display_name(user)}, salt=SALT, compress=False)


def reader_name(value):
    """The name a READER_COOKIE value holds, or None if it was not signed here."""
    try:
        return signing.loads(value, salt=SALT)["nom"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


class PersonalCookiesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME not in cookies and not ({STAFF_COOKIE, READER_COOKIE} & cookies.keys()):
            return response
        # The session as it is after the view: a login or a logout in this request counts.
        user = request.user
        self._keep(response, cookies, STAFF_COOKIE, "1" if is_staff(user) else None, httponly=True)
        wanted = None
        if user.is_authenticated:
            current = cookies.get(READER_COOKIE)
            wanted = current if current and reader_name(current) == display_name(user) else reader_value(user)
        self._keep(response, cookies, READER_COOKIE, wanted, httponly=False)
        return response

    @staticmethod
    def _keep(response, cookies, name, value, *, httponly):
        if value is None:
            if name in cookies:
                response.delete_cookie(name, samesite="Lax")
        elif cookies.get(name) != value:
            response.set_cookie(
                name, value, max_age=settings.SESSION_COOKIE_AGE, secure=settings.SESSION_COOKIE_SECURE,
                httponly=httponly, samesite="Lax",
            )


@never_cache
def csrf_token(request):
    """A CSRF token for a form on a shared page, fetched by its script when the reader starts filling it in."""
    return JsonResponse({"jeton": get_token(request)})
