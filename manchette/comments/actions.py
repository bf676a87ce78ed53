"""Links other apps add beside each comment's « Répondre · Signaler » (manchette/dsa: « Signaler un contenu
illicite »): each a template, included in comments/includes/comment.html with its context (`c`, the comment;
`item`; `pending` for the author's own comments waiting). The thread never names the apps that fill it."""

_templates = []


def register(template):
    if template not in _templates:
        _templates.append(template)


def templates():
    return tuple(_templates)
