"""The admin in French agreed in gender: each viewset's own labels and messages, no « un(e) », « créé(e) »…"""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data

from manchette.filinfo.models import Dispatch
from manchette.news.admin_french import WORDINGS
from manchette.news.models import Story

from .factories import ArticleFactory, SectionFactory, StoryFactory

NNBSP = "\u202f"
# What Wagtail's catalogue writes when it cannot know a gender, and what it leaves in English.
UNAGREED = re.compile(r"\w\((?:e|le|tte)\)|\bce/cette\b|\bCreated at\b|Pages crées|Il y a 0 minute|Wagtail \d")


def text_of(response):
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>|<svg.*?</svg>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def assert_agreed(response):
    assert response.status_code == 200
    found = UNAGREED.findall(text_of(response))
    assert not found, found


@pytest.fixture
def editor(client, staff):
    client.force_login(staff["editor"])
    return client


def test_every_newsroom_viewset_has_a_wording():
    for label in ("filinfo.dispatch", "wires.wiresource", "news.story", "news.author", "news.article", "news.section",
                  "news.frontpagelead", "news.editorspick"):
        assert label in WORDINGS


@pytest.mark.parametrize(("url", "expected"), [
    ("wagtailsnippets_filinfo_dispatch:list", "Ajouter une dépêche"),
    ("wagtailsnippets_news_story:list", "Ajouter un sujet"),
    ("wagtailsnippets_news_author:list", "Ajouter un auteur"),
    ("wagtailsnippets_wires_wiresource:list", "Ajouter une source de dépêches"),
    ("wagtailsnippets_filinfo_dispatch:add", "Nouvelle dépêche"),
    ("wagtailsnippets_news_story:add", "Nouveau sujet"),
    ("wagtailsnippets_news_author:add", "Nouvel auteur"),
])
def test_labels_agree_with_the_model(editor, url, expected):
    StoryFactory()
    response = editor.get(reverse(url))
    assert_agreed(response)
    assert expected in text_of(response)


def test_story_list_says_when_it_was_created_in_french(editor):
    StoryFactory()
    response = editor.get(reverse("wagtailsnippets_news_story:list"))
    assert "Créé le" in text_of(response) and "Created at" not in text_of(response)


def test_a_dispatch_published_from_the_admin_is_creee_et_publiee(editor):
    data = nested_form_data({"title": "Panne de métro à Bruxelles", "text": "La ligne 1 est interrompue.", "source": "", "action-publish": "1"})
    response = editor.post(reverse("wagtailsnippets_filinfo_dispatch:add"), data)
    assert response.status_code == 302
    messages = [str(message).split("\n")[0] for message in get_messages(response.wsgi_request)]
    assert messages == [f"Dépêche «{NNBSP}Panne de métro à Bruxelles{NNBSP}» créée et publiée."]
    dispatch = Dispatch.objects.get(title="Panne de métro à Bruxelles")
    response = editor.get(reverse("wagtailsnippets_filinfo_dispatch:edit", args=[dispatch.pk]))
    assert_agreed(response)
    assert "Tout le monde peut modifier cette dépêche" in text_of(response)


def test_a_story_saved_and_deleted_is_masculine(editor):
    data = nested_form_data({"title": "Les inondations en Wallonie", "slug": "", "description": ""})
    response = editor.post(reverse("wagtailsnippets_news_story:add"), data)
    messages = [str(message).split("\n")[0] for message in get_messages(response.wsgi_request)]
    assert messages == [f"Sujet «{NNBSP}Les inondations en Wallonie{NNBSP}» créé."]
    story = Story.objects.get(title="Les inondations en Wallonie")
    response = editor.get(reverse("wagtailsnippets_news_story:delete", args=[story.pk]))
    assert_agreed(response)
    assert f"Voulez-vous vraiment supprimer ce sujet{NNBSP}?" in text_of(response)
    assert "Aucune référence à ce sujet." in text_of(response)


def test_article_pages_in_the_admin(editor, home):
    section = SectionFactory(slug="belgique")
    article = ArticleFactory(parent=section, slug="un-article")
    for url in (
        reverse("wagtailadmin_pages:add", args=("news", "article", section.pk)),
        reverse("wagtailadmin_pages:edit", args=(article.pk,)),
        reverse("wagtailadmin_pages:delete", args=(article.pk,)),
        reverse("wagtailadmin_pages:edit", args=(home.pk,)),
        reverse("wagtailadmin_home"),
    ):
        assert_agreed(editor.get(url))
    assert "Aucune référence à cet article." in text_of(editor.get(reverse("wagtailadmin_pages:delete", args=(article.pk,))))
    front = text_of(editor.get(reverse("wagtailadmin_pages:edit", args=(home.pk,))))
    assert "Ajouter un emplacement de la une" in front and "Ajouter une sélection" in front


def test_just_saved_is_a_l_instant(editor):
    from manchette.news.wagtail_hooks import timesince_simple

    assert timesince_simple(timezone.now()) == "À l’instant"
    assert timesince_simple(timezone.now() - timezone.timedelta(hours=3)) == "Il y a 3\xa0heures"


def test_the_help_menu_leads_to_the_newsrooms_guide(editor):
    response = editor.get(reverse("wagtailadmin_home"))
    html = response.content.decode()
    assert reverse("newsroom_guide") in html
    assert "guide.wagtail.org" not in html
    guide = editor.get(reverse("newsroom_guide"))
    assert guide.status_code == 200
    text = text_of(guide)
    assert "Guide de la rédaction" in text and "sans relecture" in text and "<script" not in guide.content.decode().split("newsroom-guide")[1][:2000]


def test_the_image_form_asks_for_caption_credit_and_alternative_text(editor):
    from .factories import ImageFactory

    image = ImageFactory()
    text = text_of(editor.get(reverse("wagtailimages:edit", args=[image.pk])))
    assert "Légende" in text and "Crédit" in text and "Texte alternatif" in text


def test_no_gravatar(editor, settings):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert "gravatar" not in editor.get(reverse("wagtailadmin_home")).content.decode()
