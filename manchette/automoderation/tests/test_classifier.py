"""The classifier learned from the moderators: trained on a fixed labelled set (data/labelled_comments.txt) with a
precision and recall floor, refused when it is not good enough, scoring new comments, and facing hostile text."""

import io
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from manchette.automoderation import classifier
from manchette.automoderation.models import Classifier
from manchette.comments import posting
from manchette.comments.models import Comment, Status
from manchette.demo.moderation import labelled, read_decisions

FIXTURE = Path(__file__).parent / "data" / "labelled_comments.txt"
INSULT = "Bande d'abrutis, vous êtes des crétins finis à la rédaction."
ORDINARY = "Merci pour cet article, la carte des travaux est très utile pour les riverains."


@pytest.fixture(autouse=True)
def nothing_loaded(settings):
    """Each test starts with no model loaded in this process, and leaves none behind for other tests."""
    settings.COMMENTS_CLASSIFIER_MIN_DECISIONS = 100
    settings.COMMENTS_CLASSIFIER_THRESHOLD = 0.6
    settings.COMMENTS_CLASSIFIER_MIN_PRECISION = 0.8
    settings.COMMENTS_CLASSIFIER_MIN_RECALL = 0.5
    classifier.forget()
    yield
    classifier.forget()


@pytest.fixture
def examples():
    return labelled(read_decisions(FIXTURE))


@pytest.fixture
def trained(db, examples):
    done = classifier.train(examples)
    assert done.activated, done.report
    return done.classifier


def test_the_fixed_set_trains_a_model_above_the_floor(examples, db):
    assert len(examples) == 304 and sum(label for _text, label in examples) == 144
    done = classifier.train(examples)
    row = Classifier.objects.get()
    assert done.activated and row.active and row == done.classifier and len(row.model) > 0
    assert (row.examples, row.held_out, row.threshold) == (228, 76, 0.6)
    # Measured on the 76 decisions held out (36 refusals), never on the ones learned.
    assert row.precision >= 0.9 and row.recall >= 0.6, done.report
    report = row.report
    assert "Décisions des modérateurs\u00a0: 304 (160 publiés, 144 refusés)" in report
    assert "Apprises\u00a0: 228\u00a0; réservées au test\u00a0: 76" in report
    assert f"précision des refus\u00a0: {classifier.decimal(row.precision)} (plancher 0,80)" in report
    assert f"Modèle n° {row.pk} mis en service." in report
    assert "Mots qui pèsent le plus vers le refus\u00a0: " in report


def test_the_command_learns_from_the_moderators_decisions_only(examples, staff, published_article, make_reader):
    article, author = published_article(), make_reader()
    moderator = staff["moderator"]
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(article=article, author=author, text=text, status=Status.REJECTED if refused else Status.APPROVED,
                moderated_by=moderator, moderated_at=now)
        for text, refused in examples
    )
    # Refused by the rules, published without a moderator, purged: none of them is a moderator's judgement of a text.
    Comment.objects.create(article=article, author=author, text="Refusé par une règle", status=Status.REJECTED, moderated_at=now)
    Comment.objects.create(article=article, author=author, text="Publié sans modérateur", status=Status.APPROVED)
    Comment.objects.create(article=article, author=author, text="", status=Status.REJECTED, moderated_by=moderator, purged_at=now)
    out = io.StringIO()
    call_command("train_moderation", stdout=out)
    row = Classifier.objects.get(active=True)
    assert row.examples + row.held_out == len(examples)
    assert out.getvalue().strip() == row.report
    assert "matrice de confusion" in row.report and "À d’autres seuils\u00a0: 0,40 → précision" in row.report


def test_too_few_decisions_train_nothing_and_the_command_says_so(examples, db, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("train_moderation")
    assert exit_.value.code == 1
    report = capsys.readouterr().out
    assert "Décisions des modérateurs\u00a0: 0 (0 publiés, 0 refusés)" in report
    assert "Trop peu de décisions pour apprendre\u00a0: il en faut 100 au moins" in report
    assert "Aucun modèle en service\u00a0: les commentaires ne sont pas notés." in report
    assert not Classifier.objects.exists()
    one_sided = [(text, 0) for text, _label in examples]
    assert "dont 20 refus" in classifier.train(one_sided).refusal


def test_a_model_under_a_floor_is_refused_and_the_one_in_service_stays(trained, examples, settings):
    settings.COMMENTS_CLASSIFIER_MIN_PRECISION = 0.999
    done = classifier.train(examples)
    assert not done.activated and "sous le plancher de 1,00 (COMMENTS_CLASSIFIER_MIN_PRECISION)" in done.refusal
    assert f"Le modèle en service reste le n° {trained.pk}." in done.report
    refused = Classifier.objects.get(pk=done.classifier.pk)
    assert not refused.active and bytes(refused.model) == b"" and refused.report == done.report
    assert classifier.current().key[0] == trained.pk
    settings.COMMENTS_CLASSIFIER_MIN_PRECISION, settings.COMMENTS_CLASSIFIER_MIN_RECALL = 0.8, 0.999
    assert "sous le plancher de 1,00 (COMMENTS_CLASSIFIER_MIN_RECALL)" in classifier.train(examples).refusal


def test_only_the_newest_model_is_in_service_and_the_oldest_lose_their_model(trained, examples):
    for _ in range(classifier.KEEP_MODELS):
        newest = classifier.train(examples).classifier
    assert list(Classifier.objects.filter(active=True)) == [newest]
    assert bytes(Classifier.objects.get(pk=trained.pk).model) == b"", "beyond the three newest, the report only"
    assert Classifier.objects.exclude(model=b"").count() == classifier.KEEP_MODELS
    assert classifier.current().key[0] == newest.pk


def test_a_likely_refusal_waits_with_its_score_and_its_words(trained, article, reader):
    held = posting.post(reader, article, INSULT)
    assert held.status == Status.PENDING and held.score >= 0.6
    flag = held.flags.get(rule="classifieur")
    assert flag.action == "hold" and flag.label == f"Score du classifieur\u00a0: {classifier.decimal(held.score)}"
    # The words that weigh most towards refusal, as the reader wrote them.
    assert 1 <= len(flag.matched.split(", ")) <= 3 and set(flag.matched.split(", ")) <= {word.strip(",.") for word in INSULT.split()}
    published = posting.post(reader, article, ORDINARY)
    assert published.status == Status.APPROVED and published.score < 0.6 and not published.flags.exists()


def test_without_a_model_nothing_is_scored(db, article, reader):
    assert classifier.score(INSULT) is None
    comment = posting.post(reader, article, INSULT)
    assert comment.score is None and not comment.flags.filter(rule="classifieur").exists()


HOSTILE = [
    "",
    " ",
    "a" * 3000,
    "abruti" * 500,
    "ａｂｒｕｔｉ ｄｅ ｃｒéｔｉｎ",  # fullwidth
    "аbruti сrétin",  # Cyrillic а and с
    "c\u200br\u200be\u200bt\u200bi\u200bn",  # zero-width spaces
    "\u202eitruba\u202c",  # right-to-left override
    "c r é t i n   d ' a b r u t i",
    "💩" * 1000,
    "\x00\x01\x02",
    "\ud800 lone surrogate",
    "https://" + "x" * 2990,
    "\n" * 3000,
    "é" * 100_000,
    "‮" * 50 + "normal",
    "🏳️‍🌈" * 300,
    "Z̸̢̛̤̺͎̓̈́̀a̴̛͉̪̼̓l̷͚̇g̸̲̈o̵̟̊" * 100,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_gets_a_score_and_never_an_error(trained, text):
    found = classifier.score(text)
    assert 0.0 <= found <= 1.0
    assert isinstance(classifier.explain(classifier.current().model, text), list)


def test_look_alike_letters_do_not_hide_an_insult_from_the_model(trained):
    assert classifier.score("Bаnde d'аbrutis, vous êtes des сrétins finis à la rédасtion.") == pytest.approx(
        classifier.score(INSULT), abs=1e-6)


def test_the_model_is_loaded_once_and_again_only_when_a_newer_one_is_in_service(
        trained, examples, django_assert_num_queries):
    first = classifier.current()
    with django_assert_num_queries(1):  # the id of the newest model in service, nothing else
        classifier.score(ORDINARY)
    assert classifier.current() is first
    newer = classifier.train(examples).classifier
    assert classifier.current() is not first and classifier.current().key[0] == newer.pk


def test_scoring_adds_a_few_milliseconds(trained):
    loaded = classifier.current()
    longest = ("Le conseil communal a voté le budget après un long débat sur la mobilité. " * 45)[:3000]
    for text in (ORDINARY, longest):
        classifier.probability(loaded, text)
        started = time.process_time()
        for _ in range(20):
            classifier.probability(loaded, text)
        spent = (time.process_time() - started) / 20
        # About 1 ms for an ordinary comment and 4 for 3,000 characters on the development machine: this bound
        # only catches a model read from the database, or the text read again and again, on every comment.
        assert spent < 0.025, f"{spent * 1000:.1f} ms for {len(text)} characters"


def test_retrain_is_what_the_periodic_jobs_call(db, examples, caplog):
    done = classifier.retrain()
    assert not done.activated and "Trop peu de décisions" in caplog.text
