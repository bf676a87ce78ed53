"""Static files and uploaded media, served in front of Django.

Static files are what collectstatic put in STATIC_ROOT (StaticStorage below): each under a name that
carries a hash of its content (site.570e85425c89.css, listed in staticfiles.json), which pages link to and
which is cached for a year, and under its own name (site.css), still asked for by pages rendered before a
deploy, cached a few minutes. Beside each file lie its .br and .gz copies: servestatic answers with the
smallest one the reader's browser accepts. Media (image renditions) are served by Starlette's StaticFiles.

Whatever the folders do not hold (a missing file, a folder, a POST) goes on to Django, which answers in
French. Both folders are looked at on each request: media appear while the site runs, and a deploy's
collectstatic adds hashed names that servers still running the old version must serve to the new pages.
"""

import asyncio
import json
import os
from contextlib import suppress

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from servestatic.asgi import FileServerASGI, ServeStaticASGI
from servestatic.responders import NotARegularFileError
from servestatic.storage import CompressedManifestStaticFilesStorage
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

IMMUTABLE = "public, max-age=31536000, immutable"  # a hashed name: its content never changes
SHORT = "public, max-age=300"  # a static file's own name: a deploy may change its content
MEDIA_CACHE_CONTROL = (b"cache-control", b"public, max-age=86400")
# An uploaded file is served as the type its name says, never as what a browser guesses from its bytes.
NOSNIFF = (b"x-content-type-options", b"nosniff")
COPIES = (".br", ".gz", ".zstd")  # what servestatic writes and serves (zstd only from Python 3.14)


class StaticStorage(CompressedManifestStaticFilesStorage):
    """servestatic's storage (Django's manifest storage, then a .br and a .gz copy of each file), which keeps
    the copies a previous collectstatic made of the same content instead of compressing everything again
    (10 s of brotli at each `manchette serve`, and copies rewritten under servers that are serving them)."""

    def compress_files(self, paths):
        hashed = set(self.hashed_files.values())
        return super().compress_files({name for name in paths if not self._copies_current(name, name in hashed)})

    def _copies_current(self, name, hashed):
        """A hashed name's content never changes; any other file's copies carry its modification time
        (servestatic gives it to them). Copies that are not current go: one left stale would be served."""
        path = self.path(name)
        copies = [path + suffix for suffix in COPIES if os.path.exists(path + suffix)]
        with suppress(OSError):
            mtime = os.stat(path).st_mtime
            if copies and (hashed or all(abs(os.stat(copy).st_mtime - mtime) < 0.001 for copy in copies)):
                return True
        for copy in copies:
            with suppress(FileNotFoundError):
                os.remove(copy)
        return False


class StaticFolder:
    """STATIC_ROOT through servestatic, looked up on each request (its `autorefresh` mode)."""

    def __init__(self, prefix, root):
        self.prefix = prefix
        self.manifest_path = os.path.join(root, ManifestFilesMixin.manifest_name)
        self.manifest = (None, frozenset())  # (what the manifest file was when read, its hashed names)
        self.files = ServeStaticASGI(
            None, autorefresh=True, max_age=None, allow_all_origins=False, add_headers_function=self._cache_control,
        )
        self.files.add_files(root, prefix)

    async def serve(self, scope, receive, send, app):
        try:
            # The path as the server decoded it (servestatic's own ASGI entry decodes it again, as WSGI needs).
            static_file = await asyncio.to_thread(self.files.find_file, scope["path"])
        except (NotARegularFileError, OSError):
            static_file = None
        if static_file is None:
            return await app(scope, receive, send)
        await FileServerASGI(static_file)(scope, receive, send)

    def _cache_control(self, headers, path, url):
        headers["Cache-Control"] = IMMUTABLE if url[len(self.prefix):] in self._hashed_names() else SHORT
        headers["X-Content-Type-Options"] = "nosniff"

    def _hashed_names(self):
        """The names collectstatic gave a hash, read again whenever a collectstatic has rewritten the manifest."""
        with suppress(OSError, ValueError):
            stat = os.stat(self.manifest_path)
            version = (stat.st_mtime_ns, stat.st_size)
            if version != self.manifest[0]:
                with open(self.manifest_path, encoding="utf-8") as manifest:
                    self.manifest = (version, frozenset(json.load(manifest)["paths"].values()))
        # Missing or being rewritten: no name is known to be hashed, or those read last time still are.
        return self.manifest[1]


class MediaFolder:
    """MEDIA_ROOT through Starlette's StaticFiles: names change when content does (renditions)."""

    def __init__(self, prefix, root):
        self.prefix = prefix
        self.files = StaticFiles(directory=root, check_dir=False)

    async def serve(self, scope, receive, send, app):
        inner = {**scope, "root_path": scope.get("root_path", "") + self.prefix.rstrip("/")}
        try:
            response = await self.files.get_response(self.files.get_path(inner), inner)
        except (HTTPException, OSError):
            return await app(scope, receive, send)

        async def send_with_cache_control(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], MEDIA_CACHE_CONTROL, NOSNIFF]}
            await send(message)

        await response(inner, receive, send_with_cache_control)


class Folders:
    """Static files (STATIC_URL, STATIC_ROOT) and media (MEDIA_URL, MEDIA_ROOT) unless given other ones."""

    def __init__(self, app, static=None, media=None):
        self.app = app
        self.folders = [
            StaticFolder(*(static or (settings.STATIC_URL, settings.STATIC_ROOT))),
            MediaFolder(*(media or (settings.MEDIA_URL, settings.MEDIA_ROOT))),
        ]

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            for folder in self.folders:
                if scope["path"].startswith(folder.prefix):
                    return await folder.serve(scope, receive, send, self.app)
        await self.app(scope, receive, send)
