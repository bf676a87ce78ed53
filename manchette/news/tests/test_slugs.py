"""Addresses in ASCII, folded the French way, for every page and snippet; old accented addresses redirect."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from manchette.news.models import Article, Author, Section, Story
from manchette.news.slugs import fold_slug

from .factories import ArticleFactory, AuthorFactory, SectionFactory, StoryFactory, publish
from .test_newsroom import article_form

migration = importlib.import_module("manchette.news.migrations.0006_stories_ascii_slugs")


@pytest.mark.parametrize(("text", "slug"), [
    ("L’œuvre de l’été", "l-oeuvre-de-l-ete"),
    ("Washington : le Congrès vote", "washington-le-congres-vote"),
    ("ŒUVRES COMPLÈTES", "oeuvres-completes"),
    ("Curriculum vitæ", "curriculum-vitae"),
    ("Die Straße", "die-strasse"),
    ("aujourd'hui à Liège", "aujourd-hui-a-liege"),
    ("Noël — « Ça » ! ?", "noel-ca"),
    ("E411 : bouchons", "e411-bouchons"),
    ("déjà-folded", "deja-folded"),
    ("☃💥", ""),
])
def test_fold_slug(text, slug):
    assert fold_slug(text) == slug
    assert fold_slug(slug) == slug


def test_admin_folds_the_slug_it_receives_and_the_ascii_address_answers(client, staff):
    section = SectionFactory(slug="monde")
    client.force_login(staff["editor"])
    add_url = reverse("wagtailadmin_pages:add", args=("news", "article", section.pk))
    response = client.post(add_url, article_form(
        "action-publish", title="Washington : le Congrès et l’œuvre", slug="washington-le-congrès-et-l’œuvre",
    ))
    assert response.status_code == 302
    article = Article.objects.get(title="Washington : le Congrès et l’œuvre")
    assert article.slug == "washington-le-congres-et-l-oeuvre"
    assert article.url_path.endswith("/monde/washington-le-congres-et-l-oeuvre/")
    assert client.get("/monde/washington-le-congres-et-l-oeuvre/").status_code == 200


def test_admin_makes_an_empty_slug_from_the_title(client, staff):
    section = SectionFactory(slug="culture")
    client.force_login(staff["editor"])
    add_url = reverse("wagtailadmin_pages:add", args=("news", "article", section.pk))
    client.post(add_url, article_form("action-draft", title="Œuvres d’été à Liège", slug=""))
    assert Article.objects.get(title="Œuvres d’été à Liège").slug == "oeuvres-d-ete-a-liege"


def test_admin_snippet_forms_fold_slugs(client, staff, django_user_model):
    admin = django_user_model.objects.create_superuser("chef", "chef@example.com", "motdepasse-solide")
    client.force_login(admin)
    response = client.post(reverse("wagtailsnippets_news_story:add"), {"title": "L’œuvre de Rubens", "slug": "l’œuvre-de-rubens", "description": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Story.objects.get().slug == "l-oeuvre-de-rubens"
    response = client.post(reverse("wagtailsnippets_news_author:add"), {"name": "Zoë Lœwenthal", "slug": "", "role": "", "bio": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Author.objects.get().slug == "zoe-loewenthal"


def test_pages_and_snippets_saved_in_code_are_folded(home):
    section = SectionFactory(title="Économie", slug="économie")
    article = ArticleFactory(parent=section, title="Cœur", slug="cœur-de-ville")
    assert (section.slug, article.slug) == ("economie", "coeur-de-ville")
    assert article.url_path.endswith("/economie/coeur-de-ville/")
    no_slug = ArticleFactory(parent=section, title="L’œuvre", slug="")
    assert no_slug.slug == "l-oeuvre"
    assert StoryFactory(title="Sœurs", slug="").slug == "soeurs"
    assert AuthorFactory(name="Zoë Œster", slug="").slug == "zoe-oester"


def test_migration_folds_existing_accented_slugs_and_keeps_the_old_addresses(client, home):
    section = SectionFactory(title="Monde", slug="monde")
    usa = SectionFactory(title="États-Unis", slug="etats-unis", parent=section)
    article = ArticleFactory(parent=usa, title="Le Congrès", slug="congres")
    publish(article)
    # As a page saved before the folding: accents in its slug and address, and in those of the pages under it.
    Page.objects.filter(pk=usa.pk).update(slug="états-unis", url_path=usa.url_path.replace("etats-unis", "états-unis"))
    Page.objects.filter(pk=article.pk).update(slug="congrès", url_path=usa.url_path.replace("etats-unis", "états-unis") + "congrès/")
    Page.objects.filter(pk=section.pk).update(slug="mœurs")  # a sibling-free rename: url_path of everything below
    Page.objects.filter(path__startswith=section.path).update(url_path=_replace_first("monde", "mœurs"))
    author = AuthorFactory(name="Œdipe Roi", slug="dipe-roi")
    Author.objects.filter(pk=author.pk).update(slug="dipe-roi")

    migration.fold_pages(apps, None)
    migration.fold_snippets(apps, None)

    article.refresh_from_db()
    usa.refresh_from_db()
    assert (Section.objects.get(pk=section.pk).slug, usa.slug, article.slug) == ("moeurs", "etats-unis", "congres")
    assert article.url_path.endswith("/moeurs/etats-unis/congres/")
    assert client.get("/moeurs/etats-unis/congres/").status_code == 200
    old = client.get("/m%C5%93urs/%C3%A9tats-unis/congr%C3%A8s/")
    assert old.status_code == 301 and old["Location"].endswith("/moeurs/etats-unis/congres/")
    assert Redirect.objects.filter(redirect_page_id=article.pk).exists()
    assert Author.objects.get(pk=author.pk).slug == "oedipe-roi"
    moved = client.get("/auteur/dipe-roi/")
    assert moved.status_code == 301 and moved["Location"].endswith("/auteur/oedipe-roi/")


def _replace_first(old, new):
    from django.db.models import Value
    from django.db.models.functions import Replace

    return Replace("url_path", Value(f"/{old}/"), Value(f"/{new}/"))
