"""The demo newspaper's moderation history: invented readers' comments on the weeks of articles the demo covers,
that the demo moderator published or refused (data/moderation_decisions.txt, written for the demo), the classifier trained once on them,
and a few new comments that go through every check as a reader's would, so the queue shows flags and scores.

Regular readers see their comments published, and earn trust, but one of them, refused once lately, has not
earned it yet; a handful of trolls see theirs refused, a few published, and fall back to pre-moderation. Which reader wrote what, where and when only depends on SEED; times
follow each article's publication and never pass the moment the demo is loaded. Added once, even to a newspaper
loaded before it existed.
"""

import datetime
import random
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from manchette.accounts.models import Profile
from manchette.accounts.staff import verify_email
from manchette.automoderation import classifier
from manchette.comments import discussion, posting, thread
from manchette.comments.models import Comment, Decision, Status
from manchette.comments.moderation import reason_text
from manchette.edge import readers
from manchette.news.models import Article

DATA = Path(__file__).parent / "data" / "moderation_decisions.txt"
USERNAME_PREFIX = "lecteur-archive-"
REGULARS = (
    "Anne-Sophie Collard", "Olivier Wathelet", "Fatima Ouali", "Geoffrey Lambotte", "Isabelle Hanquet",
    "Marc-Antoine Dethier", "Chantal Remacle", "Yannick Bodart", "Leïla Haddou", "Vincent Gilson",
    "Martine Jacquemin", "Samuel Delhaye", "Nadia Berrada", "Grégory Fontaine", "Céline Warnier", "Hugo Mertens",
)
TROLLS = ("Kevin Dubuisson", "Steve Bertrand", "Laurent Piraux", "Cindy Gobert", "Didier Masson", "Jessica Lemaire")
NEWCOMERS = ("Romain Halleux", "Pauline Thiry", "Mehdi Azzouz", "Justine Lallemand")
# Articles old enough to have a history: after the ones the demo's threads and the browser tests use.
SKIPPED, ARTICLES = 40, 60
SEED = 20240612


@dataclass
class Line:
    decision: str  # "publie", "refuse" or "attente"
    reason: str  # a moderation.REJECTION_REASONS code for a refusal
    text: str


def read_decisions(path=DATA):
    """The lines of a file of labelled comments (« publie | texte », « refuse:motif | texte », « attente | texte »)."""
    found = []
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        head, _bar, text = raw.partition(" | ")
        decision, _colon, reason = head.strip().partition(":")
        found.append(Line(decision, reason, text.strip().replace("\\n", "\n")))
    return found


def labelled(lines):
    """[(text, 1 refused / 0 published)] of the decided LINES: what the classifier learns from."""
    return [(line.text, int(line.decision == "refuse")) for line in lines if line.decision != "attente"]


def load(now, password, email_domain, moderator):
    """The history and the queue, unless they exist; the classifier trained if none is in service. Returns the
    number of comments created."""
    if moderator is None or Comment.objects.filter(author__username__startswith=USERNAME_PREFIX).exists():
        return 0
    articles = list(Article.objects.live().filter(view_restrictions__isnull=True)
                    .order_by("-first_published_at")[SKIPPED:SKIPPED + ARTICLES])
    if not articles:
        return 0
    rng = random.Random(SEED)
    lines = read_decisions()
    with transaction.atomic():
        regulars, trolls, newcomers = (
            [_reader(f"{USERNAME_PREFIX}{kind}-{n}", name, password, email_domain) for n, name in enumerate(names, start=1)]
            for kind, names in (("r", REGULARS), ("t", TROLLS), ("n", NEWCOMERS))
        )
        slip = next(line for line in lines if line.decision == "refuse")
        decided = [
            _decided(rng, line, articles, _author(rng, line, regulars, trolls, slip), moderator, now)
            for line in lines if line.decision != "attente"
        ]
        Comment.objects.bulk_create(decided)
        # Past decisions, whose authors were told at the time: recorded without audit.decided, which would send
        # each refused author a statement of reasons today.
        Decision.objects.bulk_create(
            Decision(
                comment=comment, comment_number=comment.pk, article_id=comment.article_id, author_id=comment.author_id,
                moderator=moderator, reason=comment.rejection_reason, created_at=comment.moderated_at,
                action=Decision.Action.APPROVE if comment.status == Status.APPROVED else Decision.Action.REJECT,
            )
            for comment in decided
        )
    if not classifier.current():
        classifier.train()
    # After the training: these go through every check, the classifier's score included.
    waiting = [line for line in lines if line.decision == "attente"]
    for n, line in enumerate(waiting):
        article = articles[n % len(articles)]
        posting.post(newcomers[n % len(newcomers)], article, line.text, mode=discussion.mode(article))
    readers.changed([thread.list_key(article.pk) for article in articles])
    return len(decided) + len(waiting)


def _reader(username, name, password, email_domain):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        first, last = name.split(" ", 1)
        user = get_user_model().objects.create_user(username, f"{username}@{email_domain}", password, first_name=first, last_name=last)
    Profile.objects.get_or_create(user=user, defaults={"display_name": name})
    verify_email(user)
    return user


def _author(rng, line, regulars, trolls, slip):
    """Who wrote LINE: a troll when refused (the last regular wrote SLIP), mostly a regular when published."""
    if line is slip:
        return regulars[-1]
    if line.decision == "refuse":
        return rng.choice(trolls)
    return rng.choice(regulars if rng.random() < 0.85 else trolls)


def _decided(rng, line, articles, author, moderator, now):
    """A comment of LINE's by AUTHOR, as the moderator left it, between its article's publication and now."""
    refused = line.decision == "refuse"
    article = rng.choice(articles)
    start = article.first_published_at
    posted = start + datetime.timedelta(seconds=rng.randint(60, max(61, int((now - start).total_seconds()) - 3600)))
    decided = min(now, posted + datetime.timedelta(minutes=rng.randint(2, 240)))
    return Comment(
        article=article, author=author, text=line.text, created_at=posted,
        status=Status.REJECTED if refused else Status.APPROVED, published_at=None if refused else decided,
        moderated_by=moderator, moderated_at=decided, rejection_reason=reason_text(line.reason) if refused else "",
    )
