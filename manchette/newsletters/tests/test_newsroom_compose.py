"""What an edition holds (compose.select_articles) and the e-mail it becomes (compose.freeze, web_html)."""

import datetime
import re

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from manchette.news.models import FrontPageLead
from manchette.news.tests.factories import ArticleFactory, ImageFactory, SectionFactory, publish
from manchette.newsletters import compose
from manchette.newsletters.models import Edition, EditionItem, Newsletter

pytestmark = pytest.mark.django_db


def article(parent, title, hours_ago=1, **fields):
    page = ArticleFactory(parent=parent, title=title, slug=re.sub(r"\W+", "-", title.lower()).strip("-"),
                          first_published_at=timezone.now() - datetime.timedelta(hours=hours_ago), **fields)
    publish(page)
    page.refresh_from_db()
    # publish() stamps first_published_at only when empty: the factory's value (the order wanted) stays.
    return page


@pytest.fixture
def paper(home):
    belgique = SectionFactory(parent=home, title="Belgique", slug="belgique")
    monde = SectionFactory(parent=home, title="Monde", slug="monde")
    return {"home": home, "belgique": belgique, "monde": monde}


@pytest.fixture
def newsletter(paper):
    newsletter = Newsletter.objects.create(name="La Une du matin", slug="une-du-matin", description="L’essentiel.",
                                           lead_count=2, per_section=2)
    newsletter.sections.set([paper["belgique"], paper["monde"]])
    return newsletter


def titles(articles):
    return [a.title for a in articles]


def test_automatic_edition_takes_the_leads_then_each_sections_newest_visible_articles_once(paper, newsletter):
    home, belgique, monde = paper["home"], paper["belgique"], paper["monde"]
    lead_one = article(monde, "Sommet à Bruxelles", hours_ago=5)
    hidden_lead = article(belgique, "Réservé aux abonnés", hours_ago=1)
    PageViewRestriction.objects.create(page=hidden_lead, restriction_type=PageViewRestriction.PASSWORD, password="x")
    lead_two = article(belgique, "Grève à la SNCB", hours_ago=6)
    lead_three = article(belgique, "Troisième de la Une", hours_ago=7)
    for order, page in enumerate([lead_one, hidden_lead, lead_two, lead_three]):
        FrontPageLead.objects.create(page=home, article=page, sort_order=order)
    newest_belgique = article(belgique, "Budget communal adopté", hours_ago=2)
    article(belgique, "Ancien article belge", hours_ago=30)
    draft = ArticleFactory(parent=belgique, title="Brouillon", slug="brouillon", live=False)
    expired = article(belgique, "Article expiré", hours_ago=0.5)
    expired.expire_at = timezone.now() - datetime.timedelta(minutes=1)
    expired.save()
    newest_monde = article(monde, "Élections au Chili", hours_ago=3)
    second_monde = article(monde, "Séisme au Japon", hours_ago=4)

    edition = Edition.objects.create(newsletter=newsletter, subject="La Une")
    chosen = compose.select_articles(edition)
    # Leads first (2, the hidden one passed over), then two per section, newest first, none already taken.
    assert titles(chosen) == [
        lead_one.title, lead_two.title,
        newest_belgique.title, lead_three.title,
        newest_monde.title, second_monde.title,
    ]
    assert len({a.pk for a in chosen}) == len(chosen)
    assert draft.pk not in {a.pk for a in chosen} and expired.pk not in {a.pk for a in chosen}
    assert hidden_lead.pk not in {a.pk for a in chosen}


def test_articles_an_editor_picked_override_the_automatic_choice_in_their_order(paper, newsletter):
    belgique, monde = paper["belgique"], paper["monde"]
    first, second = article(monde, "Premier choisi", hours_ago=9), article(belgique, "Second choisi", hours_ago=1)
    article(belgique, "Plus récent mais pas choisi", hours_ago=0.2)
    gone = article(belgique, "Choisi puis dépublié", hours_ago=2)
    edition = Edition.objects.create(newsletter=newsletter, subject="Sélection")
    for order, page in enumerate([second, gone, first]):
        EditionItem.objects.create(edition=edition, article=page, sort_order=order)
    gone.unpublish()
    assert titles(compose.select_articles(edition)) == ["Second choisi", "Premier choisi"]


def test_the_frozen_email_has_html_and_text_with_the_recipients_placeholders(paper, newsletter, settings):
    settings.SITE_URL = "https://journal.example"
    belgique = paper["belgique"]
    pictured = article(belgique, "Le tram <de> Liège & ses rames", hours_ago=1, hero_image=ImageFactory(caption="Le tram au dépôt"))
    plain = article(belgique, "Sans image", hours_ago=2)
    edition = Edition.objects.create(newsletter=newsletter, subject="Mardi : « le tram »", intro="Bonjour <b>à tous</b>")
    compose.freeze(edition)
    edition.refresh_from_db()
    html, text = edition.html, edition.text
    for placeholder in (compose.UNSUBSCRIBE_URL, compose.PREFERENCES_URL, compose.WEB_URL):
        assert f'href="{placeholder}"' in html and placeholder in text
    assert "Se désabonner" in html and "Gérer mes newsletters" in html and "Voir la version web" in html
    assert "Le Quotidien de Manchette" in html and "BELGIQUE" in text and "Belgique" in html
    # Escaped, absolute, readable without external resources.
    assert "Le tram &lt;de&gt; Liège &amp; ses rames" in html and "<b>à tous</b>" not in html
    assert "Le tram <de> Liège & ses rames" in text and "Bonjour <b>à tous</b>" in text
    assert f'href="https://journal.example{pictured.get_url()}"' in html
    assert f"https://journal.example{plain.get_url()}" in text
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 1
    assert 'src="https://journal.example/' in images[0] and 'alt="Le tram au dépôt"' in images[0]
    assert "<link" not in html and "<script" not in html and "<style" not in html and "@import" not in html
    assert "<table" in html and 'style="' in html and "max-width:600px" in html
    assert 'lang="fr"' in html
    assert "\u00a0: https://" in text  # « Lire l’article : … » with a no-break space


def test_the_web_version_names_no_recipient(paper, newsletter):
    edition = Edition.objects.create(newsletter=newsletter, subject="Archive")
    compose.freeze(edition)
    web = compose.web_html(edition)
    assert "%%" not in web
    assert compose.newsletters_page_url() in web and compose.edition_web_url(edition) in web


def test_an_edition_with_nothing_to_show_still_reads(newsletter):
    edition = Edition.objects.create(newsletter=newsletter, subject="Rien")
    html, text = compose.render(edition)
    assert "Retrouvez toute l’actualité" in html and "Retrouvez toute l’actualité" in text
