from django import template

from manchette.live.asgi import STREAM_PATH

register = template.Library()


@register.inclusion_tag("live/script.html")
def live_script():
    """The page's one stream, for every element marked `data-live-topic` (static/live/stream.js)."""
    return {"stream_path": STREAM_PATH}
