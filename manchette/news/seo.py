"""What search engines, feed readers and social networks read: absolute URLs, share images, schema.org data."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.images.models import Filter
from wagtail.models import Site

from . import richtext
from .models import HERO_RENDITIONS

# One of the hero renditions the article page renders anyway, so sharing costs no new image work.
SHARE_SPEC = "fill-1200x675|format-jpeg"
LOGO = "manchette/logo.png"
LOGO_SIZE = 512
# The share image of what has none of its own nor a section's: 16:9 at 1,200 px, as Google asks of article
# images (drawn by manchette/demo/brand.py).
DEFAULT_SHARE = "manchette/partage.png"
DEFAULT_SHARE_SIZE = (1200, 675)
# Articles under these sections are opinion pieces for search engines (schema.org OpinionNewsArticle).
OPINION_SECTIONS = ("opinions",)
LANGUAGE = "fr-BE"
# Escaped inside JSON strings, so no headline can close the <script> element or open a comment.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute(url):
    """Prefix SITE_URL to a site-relative URL; a URL that already names a host (a CDN) is kept."""
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


class PageUrls:
    """Page URLs from url_path alone: Wagtail's page.url looks the site up again for every page."""

    def __init__(self):
        # Most specific root first, the order Wagtail itself resolves pages in.
        self.roots = [root.root_path for root in Site.get_site_root_paths()]
        self.prefix = reverse("wagtail_serve", args=("",))

    def path(self, url_path):
        root = next(root for root in self.roots if url_path.startswith(root))
        return self.prefix + url_path[len(root):]

    def absolute(self, url_path):
        return absolute(self.path(url_path))


def iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def json_ld(data):
    """A <script type="application/ld+json"> that no text inside `data` can break out of."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def site_description():
    return richtext.typography_text(_("Toute l’actualité en continu, rubrique par rubrique."))


def newsroom():
    # Translators: who wrote what the newsroom publishes without a named author (feeds, ninjs).
    return _("La rédaction")


def author_description(author):
    """An author page's description: their biography, else their role, else a sentence saying whose articles."""
    text = author.bio or (f"{author.name}, {author.role}." if author.role else "")
    if not text:
        text = _("Les articles de %(name)s, du plus récent au plus ancien.") % {"name": author.name}
    return richtext.typography_text(" ".join(text.split())[:300])


def section_description(section):
    text = section.search_description or section.intro
    if not text:
        text = _("Rubrique « %(section)s » : les derniers articles, en continu.") % {"section": section.title}
    return richtext.typography_text(text)


def share_image(rendition, alt):
    return {"url": absolute(rendition.url), "width": rendition.width, "height": rendition.height, "alt": alt}


def logo_image():
    return {"url": absolute(static(LOGO)), "width": LOGO_SIZE, "height": LOGO_SIZE, "alt": settings.SITE_NAME}


def default_share_image():
    width, height = DEFAULT_SHARE_SIZE
    return {"url": absolute(static(DEFAULT_SHARE)), "width": width, "height": height, "alt": settings.SITE_NAME}


def section_share_image(sections):
    """The share image of the nearest of SECTIONS (outermost first) that has one, or None: one query."""
    from .models import Section

    found = {
        section.pk: section
        for section in Section.objects.filter(pk__in=[s.pk for s in sections], share_image__isnull=False)
        .only("id", "title", "share_image").select_related("share_image")
    }
    for section in reversed(sections):
        if section.pk in found:
            image = found[section.pk].share_image
            return share_image(rendered_share_rendition(image), image.description or section.title)
    return None


def is_opinion(sections):
    return any(section.slug in OPINION_SECTIONS for section in sections)


def rendered_share_rendition(image):
    """The share rendition, asked for with the whole hero set exactly as the hero <picture> asks:
    one query for all, and Wagtail's rendition cache serves the <picture> rendered later in the page."""
    return image.get_renditions(*HERO_RENDITIONS)[SHARE_SPEC]


def existing_share_rendition(image):
    """The share rendition if it was already made: a feed never renders images on the fly."""
    share_filter = Filter(SHARE_SPEC)
    return image.find_existing_renditions(share_filter).get(share_filter)


def image_object(image):
    return {"@type": "ImageObject", "url": image["url"], "width": image["width"], "height": image["height"]}


def publisher():
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "logo": image_object(logo_image()),
    }


def newsroom_author():
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute("/")}


def author_url(author):
    return absolute(reverse("news:author", args=[author.slug]))


def news_article(article, url, authors, tags, section, image, opinion=False):
    data = {
        "@context": "https://schema.org",
        "@type": "OpinionNewsArticle" if opinion else "NewsArticle",
        "headline": article.title,
        "description": article.lead,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": iso(article.first_published_at),
        "dateModified": iso(article.last_published_at or article.first_published_at),
        # Google asks for an author with a name and a page: the newsroom signs what no journalist does.
        "author": [{"@type": "Person", "name": a.name, "url": author_url(a)} for a in authors] or [newsroom_author()],
        "publisher": publisher(),
        "inLanguage": LANGUAGE,
    }
    if image:
        data["image"] = image_object(image)
    if section:
        data["articleSection"] = section.title
    if tags:
        data["keywords"] = ", ".join(tag.name for tag in tags)
    return data


def web_site():
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "inLanguage": LANGUAGE,
        "publisher": publisher(),
    }


AUTHOR_PHOTO_SPEC = "fill-400x400|format-jpeg"


def author_photo(author):
    """The author's photo, square, for Open Graph and schema.org, or None."""
    if not author.photo_id:
        return None
    return share_image(author.photo.get_rendition(AUTHOR_PHOTO_SPEC), author.photo.description or author.name)


def profile_page(author, url, description, photo):
    """An author's page as schema.org reads it: a ProfilePage about a Person (Google's profile page rules)."""
    person = {"@type": "Person", "name": author.name, "url": url, "description": description}
    if author.role:
        person["jobTitle"] = author.role
    if photo:
        person["image"] = image_object(photo)
    person["worksFor"] = {"@type": "NewsMediaOrganization", "name": settings.SITE_NAME, "url": absolute("/")}
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "name": author.name,
        "inLanguage": LANGUAGE,
        "mainEntity": person,
    }


def breadcrumb_list(pages, urls):
    """The front page, then `pages` (sections, then the page itself), as schema.org reads a breadcrumb."""
    crumbs = [(_("Accueil"), absolute("/"))] + [(page.title, urls.absolute(page.url_path)) for page in pages]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }
