"""A list, its confirmed subscribers, and an edition of one published article, as most newsletter tests need."""

import pytest
from django.utils import timezone

from manchette.newsletters.models import Edition, EditionItem, Newsletter, Subscriber, Subscription


@pytest.fixture
def newsletter(db):
    return Newsletter.objects.create(name="La Une du matin", slug="une-du-matin", description="L’essentiel avant 8 h.")


@pytest.fixture
def subscribe(newsletter):
    """subscribe(email, confirmed=True, active=True): a subscriber of NEWSLETTER."""

    def make(email, confirmed=True, active=True):
        subscriber = Subscriber.objects.create(email=email, confirmed_at=timezone.now() if confirmed else None)
        Subscription.objects.create(subscriber=subscriber, newsletter=newsletter, active=active, source="test")
        return subscriber

    return make


@pytest.fixture
def edition(newsletter, published_article):
    article = published_article(title="Le pont de Namur rouvre", slug="pont-namur")
    edition = Edition.objects.create(newsletter=newsletter, subject="Le pont de Namur rouvre")
    EditionItem.objects.create(edition=edition, article=article, sort_order=0)
    return edition
