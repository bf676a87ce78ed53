"""Slugs folded to ASCII the French way (news/slugs.py), the old addresses kept as permanent redirects.

Pages: every page of the newspaper whose slug is not folded gets the folded one (a sibling already holding it:
a numbered one), its address and those of the pages under it follow, and a Wagtail redirect (301) sends the
old address to the page. Authors and stories whose slug Django's slugify spelt from the name (« œuvre » →
« uvre ») get the folded spelling; an author's old page address redirects too.
"""

from django.db import migrations
from wagtail.contrib.redirects.models import Redirect as CurrentRedirect

from manchette.news.slugs import fold_slug, is_folded

PAGE_MODELS = ("homepage", "section", "article")


def _free_slug(siblings, wanted, taken_by=None):
    slug, n = wanted, 1
    while siblings.filter(slug=slug).exclude(pk=taken_by).exists():
        n += 1
        slug = f"{wanted[:250]}-{n}"
    return slug


def _redirect(Redirect, old_path, **target):
    old_path = CurrentRedirect.normalise_path(old_path)
    if not Redirect.objects.filter(old_path=old_path, site=None).exists():
        Redirect.objects.create(old_path=old_path, site=None, is_permanent=True, **target)


def fold_pages(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    roots = [site.root_page.url_path for site in Site.objects.select_related("root_page")]
    pages = Page.objects.filter(content_type__app_label="news", content_type__model__in=PAGE_MODELS)
    before = dict(pages.values_list("pk", "url_path"))
    for pk in pages.order_by("depth", "path").values_list("pk", flat=True):
        page = Page.objects.get(pk=pk)
        if is_folded(page.slug):
            continue
        parent_path = page.path[: -4]
        siblings = Page.objects.filter(path__startswith=parent_path, depth=page.depth)
        slug = _free_slug(siblings, fold_slug(page.slug, 200) or fold_slug(page.title, 200) or "page", taken_by=page.pk)
        old_url_path = page.url_path
        new_url_path = old_url_path[: -len(page.slug) - 1] + slug + "/"
        page.slug = slug
        page.url_path = new_url_path
        page.save(update_fields=["slug", "url_path"])
        for below in Page.objects.filter(path__startswith=page.path, depth__gt=page.depth).only("url_path"):
            below.url_path = new_url_path + below.url_path[len(old_url_path):]
            below.save(update_fields=["url_path"])
    # Every address that changed, a page's own or one under it, as readers and search engines knew it.
    for pk, url_path in Page.objects.filter(pk__in=before).values_list("pk", "url_path"):
        old_url_path = before[pk]
        if url_path == old_url_path:
            continue
        for root in roots:
            if old_url_path.startswith(root) and old_url_path != root:
                _redirect(Redirect, "/" + old_url_path[len(root):], redirect_page_id=pk)


def fold_snippets(apps, schema_editor):
    from django.utils.text import slugify

    Redirect = apps.get_model("wagtailredirects", "Redirect")
    for model, source, prefix in (("Author", "name", "/auteur/"), ("Story", "title", None)):
        Model = apps.get_model("news", model)
        max_length = Model._meta.get_field("slug").max_length
        for item in Model.objects.all():
            text = getattr(item, source)
            wanted = fold_slug(item.slug, max_length)
            if item.slug == slugify(text)[:max_length]:
                wanted = fold_slug(text, max_length) or wanted
            if not wanted or wanted == item.slug:
                continue
            slug = _free_slug(Model.objects.all(), wanted, taken_by=item.pk)
            old = item.slug
            item.slug = slug
            item.save(update_fields=["slug"])
            if prefix:
                _redirect(Redirect, f"{prefix}{old}/", redirect_link=f"{prefix}{slug}/")


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0005_comments"),
        ("wagtailcore", "0001_initial"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [
        migrations.RunPython(fold_pages, migrations.RunPython.noop),
        migrations.RunPython(fold_snippets, migrations.RunPython.noop),
    ]
