"""The classifier learned from this site's moderators: it scores each new or edited comment with the probability
that a moderator would refuse it, and holds for a moderator those scored at the model's threshold or more.

What it learns from: the comments a moderator approved or refused (Comment.moderated_by set, status approved or
rejected), whose text has not been purged; the rules' automatic refusals are not the moderators' judgement and
stay out. The model: TF-IDF of the folded text (normalize.fold_char, the word lists' reading: accents, case,
look-alike and invisible characters; each web address one same word) in character n-grams of 2 to 5 within words
and in words and pairs of words, then a logistic regression whose classes weigh the same however few the refusals
are. It is made here, by scikit-learn, and pickled by joblib into a Classifier row: nothing is downloaded, nothing
is sent anywhere.

Training (`train`, `retrain` for the periodic jobs, `manchette train_moderation`) holds a quarter of the decisions
out (stratified, fixed seed), measures the precision and the recall of « refused » on them at the threshold, and
puts the model in service only with enough decisions and above the floors (settings); otherwise the model in
service stays, and the report says why. The model scored is the one measured: trained on the other three quarters.

Scoring: one query for the newest model in service (its id, a few rows), the model loaded once per process and
again only when a newer one is in service; about 2 ms of processor time for an ordinary comment, query included,
about 4 for 3,000 characters (the demo's model, development machine); only the first MAX_CHARS characters are read.
"""

import io
import logging
import re
import threading
from dataclasses import dataclass, field

import joblib
import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, precision_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline

from manchette.comments import screening
from manchette.comments.models import Comment, Status

from .models import Classifier
from .normalize import fold_char

logger = logging.getLogger(__name__)

RULE = "classifieur"
SEED = 20240521
HELD_OUT = 0.25
# Refusals (and approvals) the held-out quarter needs to say anything: below this many of either, no training.
MIN_PER_CLASS = 20
MAX_CHARS = 3000
# Trainings whose model is kept (the one in service and the ones before it, to go back to); older ones keep their
# report and figures, not their model.
KEEP_MODELS = 3
OTHER_THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
EXPLAINED_WORDS = 3
_PUNCTUATION = ".,;:!?…«»\"'()[]"


class _Folding(dict):
    """fold_char for str.translate: each character folded once per process, then read at C speed."""

    def __missing__(self, code):
        self[code] = folded = fold_char(chr(code))
        return folded


_FOLDING = _Folding()


# A web address is read as one word: that there is a link says something, which site it is says little that a
# few hundred decisions can learn (and would teach the model a spammer's domain of last month).
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
LINK = " adresseweb "


def prepare(text):
    """TEXT as the model reads it: its first MAX_CHARS characters, folded, each web address one same word."""
    return _ADDRESS.sub(LINK, str(text)[:MAX_CHARS].translate(_FOLDING))


def pipeline(c=10.0):
    def tfidf(**options):
        return TfidfVectorizer(preprocessor=prepare, sublinear_tf=True, dtype=np.float32, **options)

    return Pipeline([
        ("features", FeatureUnion([
            ("chars", tfidf(analyzer="char_wb", ngram_range=(2, 5), min_df=2)),
            ("words", tfidf(analyzer="word", ngram_range=(1, 2))),
        ])),
        ("model", LogisticRegression(class_weight="balanced", C=c, max_iter=3000)),
    ])


def decisions():
    """[(text, 1 if refused else 0)] of the comments a moderator decided, their text not purged, oldest first."""
    rows = (
        Comment.objects.filter(moderated_by__isnull=False, purged_at__isnull=True, status__in=[Status.APPROVED, Status.REJECTED])
        .exclude(text="").order_by("pk").values_list("text", "status")
    )
    return [(text, int(status == Status.REJECTED)) for text, status in rows]


def decimal(value):
    return f"{value:.2f}".replace(".", ",")


@dataclass
class Training:
    """What a training did: the Classifier row saved (None when there were too few decisions to train), whether
    it was put in service, why not (`refusal`), and the report in French."""

    classifier: Classifier | None = None
    activated: bool = False
    refusal: str = ""
    lines: list = field(default_factory=list)

    @property
    def report(self):
        return "\n".join(self.lines)


def train(examples=None, now=None):
    """Train on EXAMPLES ([(text, 1 refused / 0 approved)], by default the moderators' decisions) and put the
    model in service if it is good enough. Returns a Training."""
    now = now or timezone.now()
    examples = decisions() if examples is None else list(examples)
    texts = [text for text, _label in examples]
    labels = np.array([label for _text, label in examples], dtype=int)
    refused, approved = int(labels.sum()), int(len(labels) - labels.sum())
    done = Training(lines=[
        _("Classifieur de modération, entraînement du %(date)s") % {"date": formats.date_format(timezone.localtime(now), "j F Y, H:i")},
        _("Décisions des modérateurs\u00a0: %(total)s (%(approved)s publiés, %(refused)s refusés)") % {
            "total": len(labels), "approved": approved, "refused": refused},
    ])
    minimum = settings.COMMENTS_CLASSIFIER_MIN_DECISIONS
    if len(labels) < minimum or min(refused, approved) < MIN_PER_CLASS:
        done.refusal = _(
            "Trop peu de décisions pour apprendre\u00a0: il en faut %(minimum)s au moins "
            "(COMMENTS_CLASSIFIER_MIN_DECISIONS), dont %(per_class)s refus et %(per_class)s publications."
        ) % {"minimum": minimum, "per_class": MIN_PER_CLASS}
        return _concluded(done)
    learn, test, learn_labels, test_labels = train_test_split(
        texts, labels, test_size=HELD_OUT, stratify=labels, random_state=SEED,
    )
    model = pipeline().fit(learn, learn_labels)
    for _name, vectorizer in model.named_steps["features"].transformer_list:
        # The terms min_df left out: only kept to be inspected, they would make up most of the pickle.
        vectorizer.stop_words_ = None
    scores = model.predict_proba(test)[:, 1]
    threshold = settings.COMMENTS_CLASSIFIER_THRESHOLD
    precision, recall = _measure(test_labels, scores, threshold)
    done.lines += _measures(len(learn), test_labels, scores, threshold, precision, recall)
    done.lines += _weights(model)
    floors = {"precision": settings.COMMENTS_CLASSIFIER_MIN_PRECISION, "recall": settings.COMMENTS_CLASSIFIER_MIN_RECALL}
    if precision < floors["precision"]:
        done.refusal = _("Précision %(value)s sous le plancher de %(floor)s (COMMENTS_CLASSIFIER_MIN_PRECISION).") % {
            "value": decimal(precision), "floor": decimal(floors["precision"])}
    elif recall < floors["recall"]:
        done.refusal = _("Rappel %(value)s sous le plancher de %(floor)s (COMMENTS_CLASSIFIER_MIN_RECALL).") % {
            "value": decimal(recall), "floor": decimal(floors["recall"])}
    done.classifier = Classifier(
        created_at=now, model=b"", examples=len(learn), held_out=len(test), precision=precision, recall=recall,
        threshold=threshold, active=not done.refusal,
    )
    if done.classifier.active:
        buffer = io.BytesIO()
        joblib.dump(model, buffer)
        done.classifier.model = buffer.getvalue()
    return _concluded(done)


def _measure(labels, scores, threshold):
    held = scores >= threshold
    return (float(precision_score(labels, held, zero_division=0)), float(recall_score(labels, held, zero_division=0)))


def _measures(learned, labels, scores, threshold, precision, recall):
    (passed_ok, held_wrongly), (missed, held_rightly) = confusion_matrix(labels, scores >= threshold, labels=[0, 1])
    others = "\u00a0; ".join(
        _("%(threshold)s → précision %(precision)s, rappel %(recall)s") % {
            "threshold": decimal(other), "precision": decimal(p), "recall": decimal(r)}
        for other in OTHER_THRESHOLDS for p, r in [_measure(labels, scores, other)]
    )
    width = max(len(str(n)) for n in (passed_ok, held_wrongly, missed, held_rightly)) + 2
    return [
        _("Apprises\u00a0: %(learned)s\u00a0; réservées au test\u00a0: %(held)s (tirage stratifié, graine %(seed)s)") % {
            "learned": learned, "held": len(labels), "seed": SEED},
        _("Sur les %(held)s décisions réservées, au seuil de %(threshold)s\u00a0:") % {"held": len(labels), "threshold": decimal(threshold)},
        "  " + _("précision des refus\u00a0: %(value)s (plancher %(floor)s)") % {
            "value": decimal(precision), "floor": decimal(settings.COMMENTS_CLASSIFIER_MIN_PRECISION)},
        "  " + _("rappel des refus\u00a0: %(value)s (plancher %(floor)s)") % {
            "value": decimal(recall), "floor": decimal(settings.COMMENTS_CLASSIFIER_MIN_RECALL)},
        "  " + _("matrice de confusion (décision du modérateur × ce que le classifieur en fait)\u00a0:"),
        "    " + _("refusé, retenu\u00a0: %(n)s\u00a0; refusé, laissé passer\u00a0: %(m)s") % {
            "n": str(held_rightly).rjust(width), "m": str(missed).rjust(width)},
        "    " + _("publié, retenu\u00a0: %(n)s\u00a0; publié, laissé passer\u00a0: %(m)s") % {
            "n": str(held_wrongly).rjust(width), "m": str(passed_ok).rjust(width)},
        _("À d’autres seuils\u00a0: %(others)s") % {"others": others},
    ]


def _weights(model, count=12):
    """The words and pairs of words that weigh most towards refusal and towards publication."""
    names, weights = _word_weights(model)
    order = np.argsort(weights)
    toward_refusal = [names[i] for i in order[::-1][:count] if weights[i] > 0]
    toward_publication = [names[i] for i in order[:count] if weights[i] < 0]
    return [
        _("Mots qui pèsent le plus vers le refus\u00a0: %(words)s") % {"words": ", ".join(toward_refusal)},
        _("Mots qui pèsent le plus vers la publication\u00a0: %(words)s") % {"words": ", ".join(toward_publication)},
    ]


def _word_weights(model):
    """The word features' names and their weights in the regression (the character n-grams come first)."""
    chars, words = (vectorizer for _name, vectorizer in model.named_steps["features"].transformer_list)
    offset = len(chars.vocabulary_)
    names = words.get_feature_names_out()
    return names, model.named_steps["model"].coef_[0][offset:offset + len(names)]


def _concluded(done):
    """DONE's classifier saved (in service, the older ones out of it), and the report's last line."""
    in_service = Classifier.objects.filter(active=True).order_by("-pk").values_list("pk", flat=True).first()
    if done.refusal:
        done.lines.append(_("Modèle refusé\u00a0: %(why)s") % {"why": done.refusal})
        done.lines.append(
            _("Le modèle en service reste le n° %(number)s.") % {"number": in_service} if in_service
            else _("Aucun modèle en service\u00a0: les commentaires ne sont pas notés.")
        )
    with transaction.atomic():
        if done.classifier is not None:
            done.classifier.save()
            if done.classifier.active:
                done.activated = True
                done.lines.append(_("Modèle n° %(number)s mis en service.") % {"number": done.classifier.pk})
                Classifier.objects.filter(active=True).exclude(pk=done.classifier.pk).update(active=False)
                kept = Classifier.objects.exclude(model=b"").order_by("-pk").values_list("pk", flat=True)[:KEEP_MODELS]
                Classifier.objects.exclude(pk__in=list(kept)).exclude(model=b"").update(model=b"")
            done.classifier.report = done.report
            done.classifier.save(update_fields=["report"])
    return done


def retrain():
    """Train again on the moderators' decisions (for the periodic jobs); the report goes to the log."""
    done = train()
    (logger.info if done.activated else logger.warning)("%s", done.report)
    return done


# --- scoring ---------------------------------------------------------------------------------------------------------

@dataclass
class Loaded:
    key: tuple
    model: Pipeline
    threshold: float


_loaded = None
_loading = threading.Lock()


def current():
    """The newest model in service, loaded once per process (again when a newer one is in service), or None."""
    global _loaded
    newest = Classifier.objects.filter(active=True).order_by("-pk").values_list("pk", "created_at", "threshold").first()
    if newest is None:
        return None
    loaded = _loaded
    if loaded is not None and loaded.key == newest[:2]:
        return loaded
    with _loading:
        if _loaded is None or _loaded.key != newest[:2]:
            data = Classifier.objects.filter(pk=newest[0]).values_list("model", flat=True).first()
            if not data:
                return None
            _loaded = Loaded(key=newest[:2], model=joblib.load(io.BytesIO(bytes(data))), threshold=newest[2])
        return _loaded


def forget():
    """Drop the model this process loaded (tests, after their database is rolled back)."""
    global _loaded
    _loaded = None


def probability(loaded, text):
    """The probability that a moderator would refuse TEXT, by the LOADED model."""
    return float(loaded.model.predict_proba([str(text)])[0, 1])


def score(text):
    """The probability that a moderator would refuse TEXT, by the model in service; None without one."""
    loaded = current()
    return None if loaded is None else probability(loaded, text)


def explain(model, text, count=EXPLAINED_WORDS):
    """The words of TEXT, as the reader wrote them, that weigh most towards refusal: each word's character
    n-grams and the word itself, by their weight in the regression times their TF-IDF in the text."""
    chars, words = (vectorizer for _name, vectorizer in model.named_steps["features"].transformer_list)
    weights = model.named_steps["model"].coef_[0]
    found = model.named_steps["features"].transform([text]).tocsr()
    weighed = dict(zip(found.indices, found.data * weights[found.indices]))
    offset = len(chars.vocabulary_)
    n_grams = chars.build_analyzer()
    totals = {}
    for written in str(text)[:MAX_CHARS].split():
        word = prepare(written).strip(_PUNCTUATION)
        if not word or word in totals:
            continue
        features = {chars.vocabulary_.get(gram) for gram in n_grams(word)}
        if word in words.vocabulary_:
            features.add(offset + words.vocabulary_[word])
        totals[word] = (sum(weighed.get(index, 0.0) for index in features), written.strip(_PUNCTUATION))
    ranked = sorted(totals.values(), key=lambda pair: pair[0], reverse=True)
    return [written for total, written in ranked[:count] if total > 0]


def check(submission, verdict):
    loaded = current()
    if loaded is None:
        return
    verdict.score = probability(loaded, submission.text)
    if verdict.score >= loaded.threshold:
        label = _("Score du classifieur\u00a0: %(score)s") % {"score": decimal(verdict.score)}
        verdict.add(RULE, label, screening.HOLD, ", ".join(explain(loaded.model, submission.text)))
