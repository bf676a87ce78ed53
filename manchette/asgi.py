"""The serving stack, built in one place: the layers in front of Django, outermost first, and the hooks
that start and stop with the server (manchette/edge/stack.py). Behind a trusted proxy, every layer sees the
reader's address and scheme (manchette/edge/proxies.py).

    Folders        static files and media, from disk
    LiveStreams    /direct/: the pages' live streams, from the hub's memory
    EdgeCache      pages kept for anonymous readers (the server's fast path answers from it too)
    BodyLimit      refuses an oversized agency sending before Django reads it
    Django
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manchette.settings")

from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from manchette.edge.app import EdgeCache
from manchette.edge.files import Folders
from manchette.edge.proxies import from_settings as trusted_proxies
from manchette.edge.stack import Hook, Stack
from manchette.live.asgi import LiveStreams
from manchette.live.hub import Hub
from manchette.wires.asgi import BodyLimit


def build():
    edge = EdgeCache(BodyLimit(django_application))
    hub = Hub()
    return Stack(
        Folders(LiveStreams(edge, hub)),
        edge=edge,
        proxies=trusted_proxies(),
        hooks=[
            Hook("edge invalidation", start=edge.startup),
            Hook("live hub", start=hub.start, stopping=hub.stop_soon, stop=hub.stop_soon),
            Hook("view counter", start=edge.counter.start, stop=edge.counter.stop),
        ],
    )


application = build()
