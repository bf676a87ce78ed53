"""The demo's tests publish articles the way the fil info's tests do, with the same fixtures."""

from manchette.filinfo.tests.conftest import published_article, section  # noqa: F401
