"""Parts other apps add to the reader's account page (/compte/), between the account and their data: each a
template that gets the page's context (user, request). The account page never names the apps that fill it."""

_templates = []


def register(template):
    if template not in _templates:
        _templates.append(template)


def templates():
    return list(_templates)
