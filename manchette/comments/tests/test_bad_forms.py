"""The readers' forms posted with garbage by a logged-in reader (the walk of tests/test_bad_input.py is
anonymous): never a 5xx, a 400 says why in French, and nothing is saved."""

from django.test import Client

from manchette.comments.models import Comment, Report

ALLOWED = {200, 400, 403, 404, 405, 409, 429}
BODIES = [
    {}, {"text": ""}, {"text": "x" * 100_000}, {"text": "\x00"}, {"text": ["a", "\x00"]},
    {"reason": "x" * 10_000}, {"reason": ["x", "y"]}, {"reason": "spam", "details": "y" * 10_000},
    {"avertir": "\x00", "avertir_choix": "x" * 1000},
]
# Only where the form reads a parent (the page's own form); the reply pages take theirs from their URL.
PARENTS = [{"text": "ok", "parent": "99999999999999999999"}, {"text": "ok", "parent": ["x", "\u0663"]},
           {"text": "ok", "parent": "\x00"}, {"text": "ok", "parent": "-1"}]
RAW = [("{", "application/json"), ("text=%00%ED%A0%80%FF", "application/x-www-form-urlencoded"), ("\x00\xff", "application/octet-stream"), ("text=%00&parent=" + "9" * 5000, "application/x-www-form-urlencoded")]


def test_every_action_with_garbage(article, reader, make_reader, make_comment, settings):
    # Raised, so that every body reaches the form's checks rather than the rate limit's refusal.
    settings.COMMENTS_RATE_PER_ACCOUNT = settings.COMMENTS_RATE_PER_ADDRESS = "10000/60"
    mine = make_comment(article, reader, text="À moi")
    theirs = make_comment(article, make_reader("Paul Martin"), text="À lui")
    urls = [f"/commentaires/{article.pk}/ecrire/"] + [
        f"/commentaires/{action}/{comment.pk}/" for action in ("repondre", "modifier", "supprimer", "signaler")
        for comment in (theirs,)
    ] + [f"/commentaires/{action}/{mine.pk}/" for action in ("repondre", "modifier", "signaler")]
    before = (Comment.objects.count(), Report.objects.count())
    problems = []
    for accept in ("application/json", "text/html"):
        client = Client(raise_request_exception=False, headers={"accept": accept})
        client.force_login(reader)
        for url in urls:
            bodies = BODIES + (PARENTS if url.endswith("/ecrire/") else [])
            answers = [(body, client.post(url, body)) for body in bodies]
            answers += [(data[:40], client.post(url, data, content_type=kind)) for data, kind in RAW]
            for body, answer in answers:
                if answer.status_code not in ALLOWED:
                    problems.append(f"{url} {str(body)[:60]} → {answer.status_code}")
                elif answer.status_code == 400 and not any(w in answer.content.decode() for w in ("commentaire", "champ", "Sélectionnez", "caractères", "réponse")):
                    problems.append(f"{url} → 400 without a French reason: {answer.content[:200]!r}")
    assert problems == [], "\n".join(problems)
    assert (Comment.objects.count(), Report.objects.count()) == before
    mine.refresh_from_db()
    assert mine.text == "À moi"
