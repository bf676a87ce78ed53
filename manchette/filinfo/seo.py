"""What search engines and social networks read about a dispatch, in the same shapes as an article's."""

from collections import namedtuple

from django.urls import reverse
from django.utils.translation import gettext as _

from manchette.news import seo

Crumb = namedtuple("Crumb", "title url_path")


def share_image(dispatch):
    """The linked article's share image if it was already made, or None: a dispatch has no image of its own."""
    article = dispatch.article
    if article is None or not article.live or article.hero_image_id is None:
        return None
    rendition = seo.existing_share_rendition(article.hero_image)
    if rendition is None:
        return None
    return seo.share_image(rendition, article.hero_image.description or article.title)


def author(entry):
    """The agency a dispatch comes from, or the newsroom itself."""
    if entry.source:
        return {"@type": "Organization", "name": entry.source}
    return seo.newsroom_author()


def news_article(entry, url, image):
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": entry.title,
        "description": entry.text,
        "articleBody": entry.text,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": seo.iso(entry.published_at),
        "dateModified": seo.iso(entry.updated_at),
        "author": [author(entry)],
        "publisher": seo.publisher(),
        "inLanguage": seo.LANGUAGE,
        "articleSection": _("Le fil info"),
        "image": seo.image_object(image),
    }


class SitePaths:
    """What news.seo.breadcrumb_list reads page URLs through, for crumbs that are plain site paths."""

    absolute = staticmethod(seo.absolute)


def breadcrumb_list(entry):
    crumbs = [Crumb(_("Le fil info"), reverse("filinfo:feed")), Crumb(entry.title, entry.url)]
    return seo.breadcrumb_list(crumbs, SitePaths)
