"""Static files and uploaded media, served in front of Django by Starlette's StaticFiles.

Whatever the folders do not hold (a missing file, a folder, a POST) goes on to Django, which answers in
French. Media appear while the site runs (image renditions), so each request looks at the disk.
"""

from django.conf import settings
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

# Static and media names change when their content does (renditions) or are refreshed with a deploy.
CACHE_CONTROL = (b"cache-control", b"public, max-age=86400")


class Folders:
    def __init__(self, app, folders=None):
        self.app = app
        if folders is None:
            folders = {settings.STATIC_URL: settings.STATIC_ROOT, settings.MEDIA_URL: settings.MEDIA_ROOT}
        self.folders = [
            (prefix, StaticFiles(directory=folder, check_dir=False)) for prefix, folder in folders.items()
        ]

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            for prefix, files in self.folders:
                if scope["path"].startswith(prefix):
                    return await self._serve(files, prefix, scope, receive, send)
        await self.app(scope, receive, send)

    async def _serve(self, files, prefix, scope, receive, send):
        inner = {**scope, "root_path": scope.get("root_path", "") + prefix.rstrip("/")}
        try:
            response = await files.get_response(files.get_path(inner), inner)
        except (HTTPException, OSError):
            return await self.app(scope, receive, send)

        async def send_with_cache_control(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], CACHE_CONTROL]}
            await send(message)

        await response(inner, receive, send_with_cache_control)
