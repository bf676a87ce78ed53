"""The W3C feed validator (validator.w3.org/feed), from ../shared/reference/feedvalidator/ beside the checkout.

`problems(content, url)` lists, as text, the errors and warnings the web service would report; a test calling
it is skipped where the validator or its html5lib is missing. The whole-site run is tests/validators/.
"""

import sys

import pytest

from manchette.testing.reference import reference_dir

VALIDATOR = reference_dir() / "feedvalidator"


def problems(content, url):
    if not (VALIDATOR / "feedvalidator").is_dir():
        pytest.skip(f"the W3C feed validator is not in {VALIDATOR}")
    pytest.importorskip("html5lib")
    if str(VALIDATOR) not in sys.path:
        sys.path.insert(0, str(VALIDATOR))
    import feedvalidator
    from feedvalidator import compatibility
    from feedvalidator.formatter.text_plain import Formatter

    events = feedvalidator.validateString(content, firstOccurrenceOnly=1, base=url)["loggedEvents"]
    found = compatibility.AA(events)
    return [Formatter(found)[i] for i in range(len(found))]
