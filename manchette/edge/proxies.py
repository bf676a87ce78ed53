"""The client's address and scheme behind proxies the site trusts (TRUSTED_PROXIES), one rule for both paths.

A request whose peer is a trusted proxy is taken to come from the rightmost address of X-Forwarded-For
that is not a trusted proxy itself (each proxy appends the address it saw: what is left of the first
untrusted one may be made up), by the scheme its X-Forwarded-Proto gives (the last value, set by the
nearest proxy). A request from any other peer keeps its own address and scheme, whatever headers it sends.
With no trusted proxy (the default), nothing is read.

The ASGI path rewrites the scope (`client`, `scheme`) before anything else sees it (stack.py): the live
stream counts streams by that address, the edge keys pages by that scheme, and Django reads both
(REMOTE_ADDR, `request.is_secure()`). The server's fast path asks `scheme()` the same question for the
edge's key (protocol.py).
"""

import ipaddress
import logging

logger = logging.getLogger(__name__)

SCHEMES = frozenset({"http", "https"})


# Peers whose trust is remembered (parsing an address costs more than a cached page's lookup).
REMEMBERED = 4096


class TrustedProxies:
    def __init__(self, proxies=()):
        self.networks = tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())
        self._trusted = {}

    def __bool__(self):
        return bool(self.networks)

    def trusts(self, host):
        if not self.networks or not host:
            return False
        trusted = self._trusted.get(host)
        if trusted is None:
            if len(self._trusted) >= REMEMBERED:
                self._trusted.clear()
            trusted = self._trusted[host] = self._in_networks(host)
        return trusted

    def _in_networks(self, host):
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.networks)

    def resolve(self, client, scheme, headers):
        """(client, scheme) of the reader a request with peer CLIENT ((host, port) or None), SCHEME and HEADERS
        stands for."""
        if not self.networks or client is None or not self.trusts(client[0]):
            return client, scheme
        forwarded_for = []
        proto = None
        for name, value in headers:
            if name == b"x-forwarded-for":
                forwarded_for.extend(part.strip() for part in value.decode("latin-1").split(","))
            elif name == b"x-forwarded-proto":
                proto = value.decode("latin-1").rsplit(",", 1)[-1].strip().lower()
        if proto in SCHEMES:
            scheme = proto
        host = None
        for candidate in reversed(forwarded_for):
            host = _address(candidate)
            if host is None:  # garbage where an address should be: stop, as at an untrusted one
                break
            if not self.trusts(host):
                break
        if host is not None:
            client = (host, 0)
        return client, scheme

    def scheme(self, client, scheme, headers):
        return self.resolve(client, scheme, headers)[1] if self.networks else scheme

    def scope(self, scope):
        """SCOPE as seen from the reader, when its peer is a trusted proxy."""
        if not self.networks or scope["type"] != "http":
            return scope
        client, scheme = self.resolve(scope.get("client"), scope.get("scheme", "http"), scope["headers"])
        if client == scope.get("client") and scheme == scope.get("scheme", "http"):
            return scope
        return {**scope, "client": client, "scheme": scheme}


def _address(text):
    """The address in TEXT (an X-Forwarded-For entry: `1.2.3.4`, `1.2.3.4:5678`, `[::1]:5678`, `::1`), or None."""
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def from_settings():
    from django.conf import settings

    return TrustedProxies(getattr(settings, "TRUSTED_PROXIES", ()))
