"""Parts other apps add to a reader's page in the moderators' admin (« Lecteur : … », admin_views.AuthorView),
after their history: each a template and a function that gives what it shows, CONTEXT(request, author) → dict.
The author page never names the apps that fill it (automoderation shows the reader's trust there)."""

_panels = []


def register(template, context=None):
    if all(template != known for known, _context in _panels):
        _panels.append((template, context))


def panels():
    return list(_panels)
