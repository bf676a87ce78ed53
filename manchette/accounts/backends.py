"""The authentication backend that refuses locked out logins before any password is checked."""

from axes.backends import AxesStandaloneBackend


class LoginProtectionBackend(AxesStandaloneBackend):
    """Axes' backend, for the calls that come with a request: every login view's. A call without one (the test
    client's login(), a shell) has no address to lock and is not counted by axes either, so refusing it, as axes
    does with an exception, would protect nothing and only turn it into an error."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
