"""The <head> of each page type for search engines and social networks; see manchette/news/seo.py."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import to_locale

from manchette.news import seo

register = template.Library()


@register.filter
def iso(moment):
    """ISO 8601 to the second, Brussels time: what sitemaps, Open Graph and schema.org expect."""
    return seo.iso(moment) or ""


@register.filter
def language_tag(code):
    """A Django language code (« fr-be ») as HTML's lang attribute and BCP 47 spell it: « fr-BE »."""
    return to_locale(code).replace("_", "-") if code else ""


def _json_ld(*documents):
    return mark_safe("\n".join(seo.json_ld(document) for document in documents))


@register.simple_tag(takes_context=True)
def article_seo(context):
    page = context["page"]
    urls = seo.PageUrls()
    url = urls.absolute(page.url_path)
    sections = context.get("breadcrumb", [])
    # Its own image, else its section's (the nearest that has one), else the site's: always one to share.
    if page.hero_image_id:
        alt = page.hero_image.description or page.caption or page.title
        image = seo.share_image(seo.rendered_share_rendition(page.hero_image), alt)
    else:
        image = seo.section_share_image(sections) or seo.default_share_image()
    section, authors = context.get("section"), context.get("authors", [])
    return {
        "url": url,
        "image": image,
        "author_urls": [seo.author_url(author) for author in authors],
        "card": "summary_large_image",
        "json_ld": _json_ld(
            seo.news_article(page, url, authors, context.get("tags", []), section, image, seo.is_opinion(sections)),
            seo.breadcrumb_list([*context.get("breadcrumb", []), page], urls),
        ),
    }


@register.simple_tag(takes_context=True)
def home_seo(context):
    page = context["page"]
    return {
        "url": seo.PageUrls().absolute(page.url_path),
        "description": page.search_description or seo.site_description(),
        "image": seo.logo_image(),
        "card": "summary",
        "json_ld": _json_ld(seo.web_site()),
    }


@register.simple_tag(takes_context=True)
def section_seo(context):
    page = context["page"]
    urls = seo.PageUrls()
    url = urls.absolute(page.url_path)
    page_obj = context.get("page_obj")
    # Each page of the listing is its own canonical page, so crawlers keep reaching older articles.
    number = page_obj.number if page_obj else 1
    return {
        "url": url if number == 1 else f"{url}?page={number}",
        "description": seo.section_description(page),
        "rss": url + "rss/",
        "atom": url + "atom/",
        "image": seo.section_share_image(context.get("breadcrumb", [])) or seo.default_share_image(),
        "card": "summary_large_image",
        # A section's breadcrumb already ends with the section itself.
        "json_ld": _json_ld(seo.breadcrumb_list(context.get("breadcrumb", []), urls)),
    }


@register.simple_tag(takes_context=True)
def author_seo(context):
    author = context["author"]
    url = seo.author_url(author)
    page_obj = context.get("page_obj")
    number = page_obj.number if page_obj else 1
    description = seo.author_description(author)
    photo = seo.author_photo(author)
    return {
        # Each page of the list is its own canonical page, as a section's.
        "url": url if number == 1 else f"{url}?page={number}",
        "description": description,
        "rss": url + "rss/",
        "atom": url + "atom/",
        "image": photo or seo.default_share_image(),
        "card": "summary" if photo else "summary_large_image",
        "json_ld": _json_ld(seo.profile_page(author, url, description, photo)),
    }
