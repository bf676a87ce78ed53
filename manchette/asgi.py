import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manchette.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()

from manchette.edge.app import EdgeCache  # noqa: E402

application = EdgeCache(django_application)
