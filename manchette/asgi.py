"""The serving stack, built in one place: the layers in front of Django, outermost first, and the hooks
that start and stop with the server (manchette/edge/stack.py). Behind a trusted proxy, every layer sees the
reader's address and scheme (manchette/edge/proxies.py). Every request is recorded for the access log and
the metrics (manchette/operations/accesslog.py, metrics.py), those of the server's fast path included.

    MetricsPath    METRICS_PATH, when set: the metrics, for the operators only
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
from manchette.operations import accesslog, metrics
from manchette.wires.asgi import BodyLimit


def build():
    edge = EdgeCache(BodyLimit(django_application))
    hub = Hub()
    proxies = trusted_proxies()
    log = accesslog.from_settings()
    # Counted only in the processes of `manchette serve`, which gives them the metrics' folder.
    counted = None
    if metrics.enabled():
        metrics.enable()
        counted = metrics.ServerMetrics(edge, hub, log)
    recorder = accesslog.Recorder(log, counted)
    return Stack(
        metrics.path_layer(Folders(LiveStreams(edge, hub))),
        edge=edge,
        proxies=proxies,
        recorder=recorder if recorder else None,
        hooks=[
            # First to start and last to stop: what the others' last requests were is written.
            Hook("access log and metrics", start=recorder.start, stop=recorder.stop),
            Hook("edge invalidation", start=edge.startup),
            Hook("live hub", start=hub.start, stopping=hub.stop_soon, stop=hub.stop_soon),
            Hook("view counter", start=edge.counter.start, stop=edge.counter.stop),
        ],
    )


application = build()
