import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manchette.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()

from manchette.edge.app import EdgeCache  # noqa: E402
from manchette.edge.files import Folders  # noqa: E402
from manchette.filinfo.live import LiveFeed  # noqa: E402
from manchette.wires.asgi import BodyLimit  # noqa: E402

# Outermost first; edge/protocol.py finds the edge cache and the live feed's hub by walking these layers.
application = Folders(LiveFeed(EdgeCache(BodyLimit(django_application))))
