"""Moderation desks: a moderator assigned to sections finds their comments (subsections included) in the queue by
default; with COMMENTS_DESKS_ENFORCED, every action on a comment outside their desks is refused (403, French),
nothing changed; superusers and moderators without desks act everywhere. Desks are set in the admin."""

import pytest
from django.contrib.auth.models import Group

from manchette.comments import desks
from manchette.comments.models import Comment, Decision, DeskAssignment, Report, Sanction, Status
from manchette.comments.tests.clients import client_of
from manchette.news.management.commands.setup_newsroom import MODERATORS
from manchette.news.tests.factories import ArticleFactory, SectionFactory, publish

QUEUE = "/admin/moderation/"
OUTSIDE = "n’est pas dans vos pupitres\u00a0: seuls les modérateurs de sa rubrique peuvent en décider. Rien n’a été fait."


def article_in(section, title):
    article = ArticleFactory(parent=section, title=title)
    publish(article)
    article.refresh_from_db()
    return article


@pytest.fixture
def newsroom(section, staff, make_reader, make_comment):
    """Belgique (and its subsection Liège), Monde; the moderator's desk is Belgique; a pending comment on an
    article of each section, and a reported published one in Monde."""
    liege = SectionFactory(parent=section, title="Liège", slug="liege")
    world = SectionFactory(title="Monde", slug="monde")
    author = make_reader("Paul Martin")
    comments = {
        "belgique": make_comment(article_in(section, "Budget fédéral"), author, text="Avis sur le budget.", status=Status.PENDING),
        "liege": make_comment(article_in(liege, "Le tram de Liège"), author, text="Avis sur le tram.", status=Status.PENDING),
        "monde": make_comment(article_in(world, "Élections ailleurs"), author, text="Avis sur le monde.", status=Status.PENDING),
    }
    reported = make_comment(article_in(world, "Sommet du climat"), author, text="Avis signalé du monde.")
    Report.objects.create(comment=reported, reporter=make_reader("Anne Leroy"), reason=Report.Reason.SPAM)
    comments["signale"] = reported
    DeskAssignment.objects.create(moderator=staff["moderator"], section=section)
    return {"sections": {"belgique": section, "liege": liege, "monde": world}, "comments": comments, "author": author}


@pytest.fixture
def moderator_client(staff):
    return client_of(staff["moderator"])


def statuses():
    return dict(Comment.objects.values_list("pk", "status"))


def test_a_desk_covers_its_section_and_subsections(newsroom, staff):
    sections, comments = newsroom["sections"], newsroom["comments"]
    assert desks.sections_of(staff["moderator"]) == [sections["belgique"]]
    covered = Comment.objects.filter(desks.covering([sections["belgique"]]))
    assert set(covered) == {comments["belgique"], comments["liege"]}
    assert set(Comment.objects.filter(desks.covering([]))) == set()
    assert desks.covers([sections["belgique"]], comments["liege"].article)
    assert not desks.covers([sections["belgique"]], comments["monde"].article)


def test_a_moderator_sees_their_desks_by_default(newsroom, moderator_client):
    html = moderator_client.get(QUEUE).content.decode()
    assert "Avis sur le budget." in html and "Avis sur le tram." in html
    assert "Avis sur le monde." not in html and "Avis signalé du monde." not in html
    assert '<option value="miens" selected>Mes pupitres (Belgique)</option>' in html
    everything = moderator_client.get(QUEUE + "?rubrique=toutes").content.decode()
    assert all(text in everything for text in ("Avis sur le budget.", "Avis sur le tram.", "Avis sur le monde.", "Avis signalé du monde."))
    world = newsroom["sections"]["monde"]
    one = moderator_client.get(f"{QUEUE}?rubrique={world.pk}").content.decode()
    assert "Avis sur le monde." in one and "Avis sur le budget." not in one
    assert f'<option value="{world.pk}" selected>Monde</option>' in one
    # Subsections are listed under their section.
    liege = newsroom["sections"]["liege"]
    assert f'<option value="{liege.pk}">— Liège</option>' in html


def test_without_desks_the_queue_shows_everything(newsroom, staff):
    html = client_of(staff["editor"]).get(QUEUE).content.decode()
    assert "Mes pupitres" not in html and "Avis sur le monde." in html and "Avis sur le budget." in html


def test_not_enforced_desks_only_choose_what_is_shown(newsroom, moderator_client, settings):
    settings.COMMENTS_DESKS_ENFORCED = False
    world = newsroom["comments"]["monde"]
    response = moderator_client.post(f"{QUEUE}{world.pk}/", {"action": "publier"})
    assert response.status_code == 302 and Comment.objects.get(pk=world.pk).status == Status.APPROVED


def test_enforced_desks_refuse_every_action_outside_them(newsroom, moderator_client, settings):
    settings.COMMENTS_DESKS_ENFORCED = True
    comments = newsroom["comments"]
    before, decisions = statuses(), Decision.objects.count()
    outside = comments["monde"]
    for data in [{"action": "publier"}, {"action": "refuser", "motif": "spam"}, {"action": "choisir"}]:
        response = moderator_client.post(f"{QUEUE}{outside.pk}/", data)
        assert response.status_code == 403 and f"Le commentaire n° {outside.pk} {OUTSIDE}" in response.content.decode()
    reported = comments["signale"]
    assert moderator_client.post(f"{QUEUE}{reported.pk}/", {"action": "publier"}).status_code == 403
    # A bulk action with one comment outside does nothing at all, the comments inside neither.
    ids = [str(comments["belgique"].pk), str(outside.pk), str(reported.pk)]
    response = moderator_client.post(f"{QUEUE}lot/", {"action": "publier", "ids": ids})
    page = response.content.decode()
    assert response.status_code == 403 and "Les commentaires n°" in page and str(outside.pk) in page and "Rien n’a été fait." in page
    # A warning about a comment outside the desks too.
    author = newsroom["author"]
    response = moderator_client.post(f"{QUEUE}lecteur/{author.pk}/avertir/", {"avertissement-motif": "charte", "commentaire": str(outside.pk)})
    assert response.status_code == 403
    assert statuses() == before and Decision.objects.count() == decisions
    assert Report.objects.get(comment=reported).resolved_at is None
    # Inside the desks, subsections too, the moderator acts as usual.
    response = moderator_client.post(f"{QUEUE}lot/", {"action": "publier", "ids": [str(comments["belgique"].pk), str(comments["liege"].pk)]})
    assert response.status_code == 302
    assert {Comment.objects.get(pk=c.pk).status for c in (comments["belgique"], comments["liege"])} == {Status.APPROVED}


def test_enforced_desks_show_no_actions_outside_them(newsroom, moderator_client, settings):
    settings.COMMENTS_DESKS_ENFORCED = True
    outside = newsroom["comments"]["monde"]
    html = moderator_client.get(QUEUE + "?rubrique=toutes").content.decode()
    row = html[html.index(f'id="commentaire-{outside.pk}"'):]
    row = row[:row.index("</li>\n")] if "</li>\n" in row else row
    assert "Hors de vos pupitres" in row and "data-moderation-approve" not in row and f'value="{outside.pk}" form="bulk"' not in row
    inside = newsroom["comments"]["belgique"]
    assert f'value="{inside.pk}" form="bulk"' in html


def test_superusers_and_moderators_without_desks_act_everywhere(newsroom, staff, settings, django_user_model):
    settings.COMMENTS_DESKS_ENFORCED = True
    comments = newsroom["comments"]
    response = client_of(staff["editor"]).post(f"{QUEUE}{comments['monde'].pk}/", {"action": "publier"})
    assert response.status_code == 302 and Comment.objects.get(pk=comments["monde"].pk).status == Status.APPROVED
    boss = django_user_model.objects.create_superuser("cheffe", "cheffe@example.com", "motdepasse-solide")
    DeskAssignment.objects.create(moderator=boss, section=newsroom["sections"]["belgique"])
    response = client_of(boss).post(f"{QUEUE}{comments['signale'].pk}/", {"action": "refuser", "motif": "spam"})
    assert response.status_code == 302 and Comment.objects.get(pk=comments["signale"].pk).status == Status.REJECTED


def test_an_enforced_sanction_sweeps_the_desks_pending_comments_only(newsroom, moderator_client, settings):
    settings.COMMENTS_DESKS_ENFORCED = True
    comments, author = newsroom["comments"], newsroom["author"]
    response = moderator_client.post(f"{QUEUE}lecteur/{author.pk}/", {
        "kind": "exclusion", "reason": "Spam répété", "reject_pending": "on", "without_warning": "on",
    }, follow=True)
    page = response.content.decode()
    assert Sanction.objects.get(user=author).reason == "Spam répété"
    assert Comment.objects.get(pk=comments["belgique"].pk).status == Status.REJECTED
    assert Comment.objects.get(pk=comments["liege"].pk).status == Status.REJECTED
    assert Comment.objects.get(pk=comments["monde"].pk).status == Status.PENDING
    assert "2 commentaires en attente refusés." in page
    assert "1 commentaire en attente hors de vos pupitres reste à ses modérateurs." in page


def test_desks_are_set_in_the_admin(newsroom, staff, django_user_model):
    boss = django_user_model.objects.create_superuser("cheffe", "cheffe@example.com", "motdepasse-solide")
    admin = client_of(boss)
    url = "/admin/snippets/comments/deskassignment/"
    form = admin.get(url + "add/").content.decode()
    moderators = form[form.index('name="moderator"'):]
    moderators = moderators[:moderators.index("</select>")]
    # Only those who may moderate are offered: the moderator, the editor, superusers; not the journalist.
    assert f'value="{staff["moderator"].pk}"' in moderators and f'value="{staff["editor"].pk}"' in moderators
    assert f'value="{staff["journalist"].pk}"' not in moderators and f'value="{newsroom["author"].pk}"' not in moderators
    world = newsroom["sections"]["monde"]
    response = admin.post(url + "add/", {"moderator": staff["editor"].pk, "section": world.pk})
    assert response.status_code == 302
    assert DeskAssignment.objects.filter(moderator=staff["editor"], section=world).exists()
    again = admin.post(url + "add/", {"moderator": staff["editor"].pk, "section": world.pk})
    assert again.status_code == 200 and "Ce modérateur a déjà ce pupitre." in again.content.decode()
    refused = admin.post(url + "add/", {"moderator": staff["journalist"].pk, "section": world.pk})
    assert refused.status_code == 200 and DeskAssignment.objects.filter(moderator=staff["journalist"]).count() == 0
    listing = admin.get(url).content.decode()
    assert "Monde" in listing and "marc" in listing and "Ajouter un pupitre de modération" in listing
    assert "Nouveau pupitre de modération" in form
    # Moderators do not set desks: theirs or anyone's.
    assert client_of(staff["moderator"]).get(url).status_code in (302, 403)
    moderators_group = Group.objects.get(name=MODERATORS)
    assert not moderators_group.permissions.filter(codename__endswith="deskassignment").exists()
