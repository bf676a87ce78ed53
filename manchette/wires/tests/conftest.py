import json
from pathlib import Path

import pytest

SAMPLES = Path(__file__).parent / "samples"


def sample(name):
    """A sample file's content; NAME is its path under samples/, e.g. "valid/2x_greve_tec.json"."""
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def agency(db):
    """A trusted agency: its wires are published as soon as they arrive."""
    from manchette.wires.models import WireSource

    return WireSource.objects.create(name="Presse Sambre-et-Meuse", slug="psm", publish_immediately=True)


@pytest.fixture
def cautious_agency(db):
    """An agency whose wires wait for an editor."""
    from manchette.wires.models import WireSource

    return WireSource.objects.create(name="Agence du Condroz", slug="condroz", publish_immediately=False)


@pytest.fixture
def own_redis(redis_server, settings):
    """For tests that commit: publishing tells other processes through a bus, here a Redis of the test's own
    rather than a PostgreSQL session that would outlive the test and keep its database from being dropped."""
    settings.REDIS_URL = redis_server.url
    return redis_server
