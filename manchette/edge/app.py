"""The serving path in front of Django (placeholder: passes everything through)."""


class EdgeCache:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)
