from manchette.search.query import MAX_TERMS, query_terms
from manchette.search.text import document, fold, terms


def test_fold_lowercases_removes_accents_and_spells_out_ligatures():
    assert fold("Œuvre À Éclipses, ÇA Noël") == "oeuvre a eclipses, ca noel"


def test_accented_and_plain_spellings_give_the_same_stems():
    assert terms("école élections fédérale hôpitaux") == terms("ecole elections federale hopitaux")


def test_snowball_french_stems_as_documented():
    # What Snowball gives: plural and singular meet, « électoral » keeps its own stem.
    assert terms("élection élections") == ["elect", "elect"]
    assert terms("électoral électorale") == ["electoral", "electoral"]
    assert terms("école écoles") == ["ecol", "ecol"]
    assert terms("hôpital hôpitaux") == ["hopital", "hopital"]


def test_stop_words_and_elisions_are_dropped():
    assert terms("L’école et la commune qu’il aime") == ["ecol", "commun", "aim"]
    assert document("Le budget de la ville") == "budget vill"


def test_query_terms_keep_only_letters_and_digits():
    for hostile in ['"; DROP TABLE', "NEAR(", "*", "-x", '"unbalanced', "title:foo", "a'b", "^x", "{x}"]:
        for stem in query_terms(hostile):
            assert stem.isalnum() and stem.isascii()


def test_query_terms_are_distinct_and_capped():
    assert query_terms("budget budgets Budget") == ["budget"]
    words = " ".join(f"mot{n}" for n in range(100))
    assert len(query_terms(words)) == MAX_TERMS
    assert query_terms("!!! ??? ...") == []
