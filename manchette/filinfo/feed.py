"""Le fil info: the latest published items, newest first."""

FEED_BLOCK_SIZE = 8


def latest_items(limit=FEED_BLOCK_SIZE):
    from manchette.news.models import visible_articles

    return list(visible_articles().only("id", "title", "url_path", "path", "first_published_at")[:limit])
