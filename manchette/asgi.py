import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manchette.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()

from manchette.edge.app import EdgeCache  # noqa: E402
from manchette.filinfo.live import LiveFeed, end_streams_before_stopping  # noqa: E402
from manchette.wires.asgi import BodyLimit  # noqa: E402

application = LiveFeed(EdgeCache(BodyLimit(django_application)))
end_streams_before_stopping(application.hub)
