"""The demo newspaper's readers and their comments: ten invented readers discussing a dozen recent articles,
with replies, a « Choix de la rédaction » and an answer from the newsroom, written for the demo.

Times follow each article's publication, never after the moment the demo is loaded; which article gets which
comments only depends on SEED. Added once, even to a newspaper loaded before they existed.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from manchette.accounts.models import Profile
from manchette.accounts.staff import verify_email
from manchette.comments import thread
from manchette.comments.models import Comment, Status
from manchette.edge import readers
from manchette.news.models import Article

USERNAME_PREFIX = "lecteur-demo-"
READERS = (
    "Mireille Vandenberghe", "Karim Benali", "Sophie Lambrechts", "Thomas Peeters", "Nathalie Dumoulin",
    "Julien Marchal", "Aïcha Diallo", "Pierre Goossens", "Élodie Renard", "Bruno Lecomte",
)
OPINIONS = (
    "Merci pour cet article clair et bien documenté. On aimerait lire plus souvent ce genre d’analyse.",
    "Je ne partage pas tout à fait cette lecture. Les chiffres cités méritent d’être remis en perspective\u00a0: "
    "sur dix ans, la tendance est bien moins nette.",
    "Enfin quelqu’un qui prend le temps d’expliquer les enjeux sans caricaturer. Bravo.",
    "Une question\u00a0: les communes voisines sont-elles concernées aussi\u00a0? L’article ne le précise pas.",
    "J’habite à deux pas et je confirme\u00a0: sur le terrain, c’est encore plus compliqué que ce qui est décrit.",
    "Article intéressant, mais il manque le point de vue des premiers concernés.",
    "On en parle depuis des années et rien ne bouge. J’espère que cette fois sera la bonne.",
    "Très bon résumé. Je l’envoie à mes parents, qui me posaient justement la question hier soir.",
    "Le titre est un peu alarmiste par rapport au contenu, qui est plutôt nuancé.",
    "Pour ceux que ça intéresse, le rapport complet est public et se lit assez facilement.",
    "Je suis partagé. D’un côté je comprends la décision, de l’autre je m’inquiète pour la suite.",
    "Belle enquête. Combien de temps a-t-il fallu pour réunir tous ces témoignages\u00a0?",
    "C’est exactement ce que nous vivons au quotidien avec mes collègues. Merci de le mettre en lumière.",
    "Il faudra suivre ça de près dans les prochains mois. Vous comptez y revenir\u00a0?",
    "Quelqu’un sait où trouver les horaires mis à jour\u00a0?\nLe site officiel n’est pas très clair.",
    "Deux remarques.\n\nD’abord, le calendrier annoncé paraît très serré.\nEnsuite, qui paiera\u00a0?",
)
REPLIES = (
    "Tout à fait d’accord avec vous.",
    "Je n’en suis pas sûr\u00a0: les chiffres de l’an dernier disaient plutôt l’inverse.",
    "Même constat de mon côté.",
    "Merci pour la précision, je l’ignorais.",
    "Vous avez raison, mais il faut aussi voir d’où l’on part.",
    "Ça dépend vraiment des quartiers, chez nous c’est très différent.",
    "Bonne question, je me la posais aussi.",
    "Je nuancerais\u00a0: l’article cite quand même deux témoins directs.",
)
NEWSROOM_REPLY = "Merci pour votre lecture. Nous reviendrons sur le sujet dès que les nouveaux chiffres seront publiés."
ARTICLES = 12
# The newest articles are left to the browser tests, which write their own threads there.
SKIPPED = 4
BUSY = 14  # one thread long enough for « Plus de commentaires »
SEED = 20240918


def load(now, password, email_domain, newsroom=None):
    """Creates the demo readers and comments unless they exist; returns how many comments were created."""
    User = get_user_model()
    if Comment.objects.filter(author__username__startswith=USERNAME_PREFIX).exists():
        return 0
    articles = list(Article.objects.live().filter(view_restrictions__isnull=True)
                    .order_by("-first_published_at")[SKIPPED:SKIPPED + ARTICLES * 3])
    if not articles:
        return 0
    rng = random.Random(SEED)
    chosen = rng.sample(articles, min(ARTICLES, len(articles)))
    with transaction.atomic():
        people = []
        for n, name in enumerate(READERS, start=1):
            username = f"{USERNAME_PREFIX}{n}"
            user = User.objects.filter(username=username).first()
            if user is None:
                first, last = name.split(" ", 1)
                user = User.objects.create_user(username, f"{username}@{email_domain}", password, first_name=first, last_name=last)
            Profile.objects.get_or_create(user=user, defaults={"display_name": name})
            verify_email(user)
            people.append(user)
        made = 0
        for index, article in enumerate(chosen):
            made += _thread(rng, article, people, now, BUSY if index == 0 else rng.randint(2, 8), newsroom if index == 1 else None)
        readers.changed([thread.list_key(article.pk) for article in chosen])
    return made


def _thread(rng, article, people, now, count, newsroom):
    start = article.first_published_at or now - datetime.timedelta(days=1)
    room = max(60, int((now - start).total_seconds()) - 60)

    def moment():
        return start + datetime.timedelta(seconds=rng.randint(60, room))

    tops = []
    for text in rng.sample(OPINIONS, min(count, len(OPINIONS))) + [rng.choice(OPINIONS) for _ in range(count - len(OPINIONS))]:
        at = moment()
        tops.append(Comment(article=article, author=rng.choice(people), text=text, status=Status.APPROVED,
                            created_at=at, published_at=at))
    if len(tops) > 3:
        tops[rng.randrange(len(tops))].featured = True
    Comment.objects.bulk_create(tops)
    replies = []
    newest = max(tops, key=lambda top: top.created_at)
    for top in tops:
        answers = [rng.choice(REPLIES) for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))]
        if newsroom is not None and top is newest:  # in the first batch readers see
            answers.append(NEWSROOM_REPLY)
        for text in answers:
            at = top.created_at + datetime.timedelta(seconds=rng.randint(60, max(61, int((now - top.created_at).total_seconds()))))
            author = newsroom if text == NEWSROOM_REPLY else rng.choice([p for p in people if p.pk != top.author_id])
            replies.append(Comment(article=article, parent=top, author=author, text=text, status=Status.APPROVED,
                                   created_at=min(at, now), published_at=min(at, now)))
        top.reply_count = len(answers)
    Comment.objects.bulk_create(replies)
    Comment.objects.bulk_update(tops, ["reply_count"])
    return len(tops) + len(replies)
