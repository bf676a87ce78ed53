"""French text normalisation shared by indexing and querying, so both sides agree on every word.

Accents are folded before stemming: « école » and « ecole » become the same string and so the same stem,
whatever the reader types. The Snowball French stemmer then maps inflections to one stem
(élection, élections → elect; électoral, électorale → electoral; écoles → ecol).
"""

import functools
import re
import threading
import unicodedata

import snowballstemmer

# Snowball's French stop list (folded), plus the elided forms left over by splitting « l’école », « qu’il ».
STOP_WORDS = frozenset(
    """
    a ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront aux
    avaient avais avait avec avez aviez avions avons ayant ayez ayons c ce ceci cela ces cet cette d dans de des du
    elle elles en es est et etaient etais etait etant etiez etions eu eue eues eumes eurent eus eusse eussent eusses
    eussiez eussions eut eutes eux fumes furent fus fusse fussent fusses fussiez fussions fut futes ici il ils j je l
    la le les leur leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ont ou par pas pour qu que quel
    quelle quelles quels qui s sa sans se sera serai seraient serais serait seras serez seriez serions serons seront
    ses soi soient sois soit sommes son sont soyez soyons suis sur t ta te tes toi ton tu un une vos votre vous y
    """.split()
)
MAX_WORD_LENGTH = 40
_WORD = re.compile(r"[a-z0-9]+")
_COMBINING_MARKS = re.compile("[\u0300-\u036f]")
# Letters that carry no separable accent in Unicode, spelt the way a French reader would type them.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})
_local = threading.local()


def fold(text):
    """Lowercase, ligatures spelt out, accents removed: « Œuvre À Éclipses » → « oeuvre a eclipses »."""
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES)))


@functools.lru_cache(maxsize=100_000)
def stem(word):
    # The pure-Python stemmer keeps its working string on the instance: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("french")
    return stemmer.stemWord(word)


def terms(text):
    """The stems of a text, in order, stop words and over-long tokens dropped."""
    return [
        stem(word)
        for word in _WORD.findall(fold(text or ""))
        if word not in STOP_WORDS and len(word) <= MAX_WORD_LENGTH
    ]


def document(text):
    """What the index stores for a text: its stems separated by spaces."""
    return " ".join(terms(text))
