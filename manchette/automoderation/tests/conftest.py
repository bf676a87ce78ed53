"""The comments' fixtures (readers, an article open to comments, comments made directly), for the checks' tests."""

from manchette.comments.tests.conftest import article, fresh_counters, make_comment, make_reader, reader, reader_client  # noqa: F401
