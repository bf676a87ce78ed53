"""The text rules (text.py): what is stored, what is refused, what is shown."""

import pytest
from django.core.exceptions import ValidationError

from manchette.comments import text


def test_normalised_to_nfc():
    decomposed = "Liège e\u0301te\u0301"  # e + combining acute
    assert text.clean(decomposed) == "Liège été"


@pytest.mark.parametrize("hidden", [
    "\u202e", "\u202a", "\u202b", "\u202c", "\u202d",  # bidi embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # bidi isolates
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",  # zero-width, word joiner, BOM, soft hyphen
    "\x00", "\x07", "\x1b", "\x7f", "\x85",  # controls
])
def test_invisible_and_control_characters_removed(hidden):
    assert text.clean(f"Bon{hidden}jour") == "Bonjour"


def test_line_breaks_kept_tabs_become_spaces_crlf_becomes_lf():
    assert text.clean("Un\r\ndeux\rtrois\tquatre") == "Un\ndeux\ntrois quatre"


def test_more_than_two_blank_lines_collapse():
    assert text.clean("Un\n\n\n\n\n\nDeux") == "Un\n\n\nDeux"
    assert text.clean("Un\n \n \n \n \nDeux") == "Un\n\n\nDeux"
    assert text.clean("Un\n\nDeux") == "Un\n\nDeux"


def test_stripped():
    assert text.clean("  \n Bonjour \n\n ") == "Bonjour"


@pytest.mark.parametrize("empty", ["", "   ", "\n\n\t", "\u200b\u202e", "\x00\x01"])
def test_empty_refused(empty):
    with pytest.raises(ValidationError) as error:
        text.clean(empty)
    assert error.value.messages == ["Le commentaire est vide."]


def test_at_most_3000_characters_after_cleaning():
    assert len(text.clean("a" * 3000)) == 3000
    # Invisible characters do not count: they are gone before the length is measured.
    assert len(text.clean("a" * 3000 + "\u200b" * 50)) == 3000
    with pytest.raises(ValidationError) as error:
        text.clean("a" * 3001)
    assert error.value.messages == ["Le commentaire compte 3001 caractères\u00a0: 3000 au plus."]


def test_output_escaped_with_line_breaks_and_links_as_text():
    html = text.as_html('<script>alert("x")</script>\nVoir https://example.com & <a href="x">ici</a>')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<br>" in html
    assert "<a " not in html and "https://example.com" in html
    assert "&amp;" in html
