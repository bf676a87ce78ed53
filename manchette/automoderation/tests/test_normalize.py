"""The matching form of a text: disguises undone (look-alikes, leet, invisible characters, spacing, repeated
letters), ordinary French left as it is, the way back to what the reader wrote, and linear time on hostile text."""

import random
import time

import pytest

from manchette.automoderation import normalize


def words(text):
    return [token.spellings for token in normalize.tokens(text)]


def reads_as(text, word):
    """Whether a word of TEXT may stand for WORD, as the lists compare them (repeated letters by runs)."""
    letters, counts = normalize.runs(word)
    return any(
        normalize.runs(spelling)[0] == letters and normalize.runs_match(normalize.runs(spelling)[1], counts)
        for token in normalize.tokens(text) for spelling in token.spellings
    )


def spelled(text, word):
    """What TEXT's reader wrote where a token may stand for WORD."""
    folded = normalize.fold(text)
    spans = [folded.span(token.start, token.end) for token in normalize.tokens(text, folded) if word in token.spellings]
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize("text", [
    "connard", "CONNARD", "Connard",
    "сonnаrd",  # Cyrillic с and а
    "cοnnard",  # Greek omicron
    "ｃｏｎｎａｒｄ",  # fullwidth
    "𝐜𝐨𝐧𝐧𝐚𝐫𝐝", "𝓬𝓸𝓷𝓷𝓪𝓻𝓭", "𝔠𝔬𝔫𝔫𝔞𝔯𝔡",  # mathematical alphanumerics
    "Ⅽonnard",  # Roman numeral one hundred
    "c0nn4rd", "conn@rd", "c0nnard",
    "con\u200bnard", "con\u200dnard", "con\u2060nard", "\ufeffconnard", "con\u00adnard",  # zero-width, word joiner, BOM, soft hyphen
    "con\u202enard", "con\u2066nard\u2069", "\u200fconnard",  # direction overrides and isolates, RLM
    "con\u3164nard", "con\u2800nard",  # Hangul filler, blank Braille pattern
    "c\u0301o\u0308n\u0327nard",  # combining accents
    "connnnnnnard", "cooonnnnaaaard",
    "c o n n a r d", "c.o.n.n.a.r.d", "c-o-n-n-a-r-d", "c_o_n_n_a_r_d", "c . o . n . n . a . r . d", "c*o*n*n*a*r*d",
    "c o.n-n a_r d",
    "connard2000", "connard!", "2connard",
])
def test_disguises_read_as_the_word(text):
    assert reads_as(text, "connard"), words(text)


def test_leet_one_is_read_as_i_and_as_l():
    assert "idiot" in words("1diot")[0] and "salope" in words("sa1ope")[0]
    assert "salope" in words("$@l0p3")[0] and "pute" in words("pu7e")[0] and "enculer" in words("€ncul€r")[0]


def test_spaced_letters_are_joined_next_to_one_letter_words():
    assert spelled("Salut à c o n n a r d !", "connard") == ["à c o n n a r d !"]


@pytest.mark.parametrize("text, expected", [
    ("Il y a des gens bien", ["il", "y", "a", "des", "gens", "bien"]),
    ("J’ai vu l’école", ["j", "ai", "vu", "l", "ecole"]),
    ("Cœur, Straße et ﬁn", ["coeur", "strasse", "et", "fin"]),
    ("Élégant à Liège", ["elegant", "a", "liege"]),
    ("Le budget 2026 : 1,5 milliard", ["le", "budget", "2026", "1", "5", "milliard"]),
])
def test_ordinary_french_keeps_its_words(text, expected):
    assert [spellings[0] for spellings in words(text)] == expected


def test_three_one_letter_words_in_a_row_are_joined_but_read_as_nothing_listed():
    assert [spellings[0] for spellings in words("Il y a à faire")] == ["il", "yaa", "faire"]


def test_a_match_points_back_to_what_the_reader_wrote():
    text = "Quel сοnn\u200b4rd, vraiment."
    [original] = spelled(text, "connard")
    assert original == "сοnn\u200b4rd"
    text = "Espèce de c . o . n, vraiment"
    assert spelled(text, "con") == ["c . o . n"]


def test_runs_tell_a_held_letter_from_a_double_one():
    assert normalize.runs("connard") == ("conard", (1, 1, 2, 1, 1, 1))
    written, listed = normalize.runs("connnnard")[1], normalize.runs("connard")[1]
    assert normalize.runs_match(written, listed)
    assert not normalize.runs_match(normalize.runs("cone")[1], normalize.runs("conne")[1]), "« cône » is not « conne »"
    assert not normalize.runs_match(normalize.runs("bitte")[1], normalize.runs("bite")[1]), "« bitte » is not « bite »"
    assert normalize.runs_match(normalize.runs("biiite")[1], normalize.runs("bite")[1])


def test_the_fingerprint_ignores_case_accents_look_alikes_and_spacing_not_numbers():
    first = normalize.read("Achetez des montres de luxe à prix cassés, livraison rapide !")
    assert normalize.read("ACHETEZ des mоntres  de luxe a prix CASSES,   livraison rapide !!").digest == first.digest
    assert normalize.read("Achetez des montres de luxe à prix cassés, livraison lente !").digest != first.digest
    assert normalize.read("Commentaire n° 1 du banc").digest != normalize.read("Commentaire n° 2 du banc").digest
    assert normalize.read("Commentaire n° 12 du banc").digest != normalize.read("Commentaire n° 112 du banc").digest
    assert first.letters == len("achetezdesmontresdeluxeaprixcaseslivraisonrapide"), "a repeated letter counts once"


HOSTILE = [
    "a" * 3000,
    "a " * 1500,
    "1" * 2999 + "a",
    "@" * 3000,
    "c0nnard" * 428,
    "\u200b" * 3000,
    "\u0301" * 3000,
    "𝐜" * 3000,
    "ﷺ" * 3000,  # one character that NFKC makes into many
    "a.b-" * 750,
    "w w w . " * 375,
    "http://" + "a" * 2993,
    "x." * 1500,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda text: repr(text[:12]))
def test_hostile_text_is_read_in_linear_time(text):
    started = time.perf_counter()
    reading = normalize.read(text + "\u2063")  # past the cache
    assert time.perf_counter() - started < 1.0
    assert reading.digest


def test_only_max_chars_are_read():
    reading = normalize.read("a " * normalize.MAX_CHARS)
    assert len(reading.folded.text) == normalize.MAX_CHARS


def test_random_unicode_never_crashes():
    chance = random.Random(20261205)
    planes = [(0x20, 0x7F), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x52F), (0x2000, 0x206F), (0xFE00, 0xFFFF),
              (0x1D400, 0x1D7FF), (0x1F300, 0x1F64F), (0xD800 - 200, 0xD7FF), (0xE000, 0xE0FF), (0x10FF00, 0x10FFFF)]
    for _ in range(300):
        text = "".join(chr(chance.randint(*chance.choice(planes))) for _ in range(chance.randint(0, 400)))
        reading = normalize.read(text)
        for token in reading.tokens:
            start, end = reading.folded.span(token.start, token.end)
            assert 0 <= start < end <= len(text) and token.spellings
