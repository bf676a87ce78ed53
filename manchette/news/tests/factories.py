"""Factories for the newspaper's models. Pages are created in the tree under a parent, live by default."""

import datetime
import io

import factory
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.models import Page

from manchette.news.models import Article, Author, HomePage, NewsImage, Section, Story


class PageFactory(factory.django.DjangoModelFactory):
    """Wagtail pages must be added under a parent: pass parent=…, or the front page is used."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        parent = parent or HomePage.objects.get()
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return page


class SectionFactory(PageFactory):
    class Meta:
        model = Section

    title = factory.Sequence(lambda n: f"Rubrique {n}")
    slug = factory.Sequence(lambda n: f"rubrique-{n}")
    intro = "Toute l’actualité de la rubrique."


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Camille Auteur{n}")
    slug = factory.Sequence(lambda n: f"camille-auteur-{n}")
    role = "Journaliste"


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    title = factory.Sequence(lambda n: f"Sujet {n}")
    slug = factory.Sequence(lambda n: f"sujet-{n}")


def make_image_file(name="photo.jpg", size=(1600, 900), color=(30, 90, 160)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG")
    return ImageFile(buffer, name=name)


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsImage

    title = factory.Sequence(lambda n: f"Photo {n}")
    file = factory.LazyFunction(make_image_file)
    caption = "Une vue de la place communale au petit matin."
    credit = "Photo Manchette"


class ArticleFactory(PageFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Le conseil communal adopte le budget {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    lead = "Après trois heures de débat, la majorité a voté le texte. L’opposition dénonce un manque de concertation."
    body = factory.LazyFunction(
        lambda: "".join(f"<p>Paragraphe {i} : les élus ont longuement débattu du projet.</p>" for i in range(8))
    )
    first_published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    last_published_at = factory.SelfAttribute("first_published_at")
    live = True

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.set(extracted)
            self.save()

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)
            self.save()


def publish(page, user=None):
    """Publish through Wagtail's own path (revision, signals), as the newsroom does."""
    return page.save_revision(user=user).publish(user=user)


__all__ = [
    "ArticleFactory",
    "AuthorFactory",
    "ImageFactory",
    "Page",
    "SectionFactory",
    "StoryFactory",
    "make_image_file",
    "publish",
]
