from wagtail import hooks

from . import keys


# First of all: Wagtail's own check of view restrictions answers before later hooks run.
@hooks.register("before_serve_page", order=-100)
def collect_keys(page, request, serve_args, serve_kwargs):
    restrictions = list(page.get_view_restrictions())
    # Wagtail's own check runs next and would query them again: it gets these rows.
    page.get_view_restrictions = lambda: restrictions
    if restrictions:
        # Whoever asks first, the answer is theirs alone: a login form, a password form, or the page.
        request.edge_personal = True
    # From here on: the restrictions' lookup loads the ancestors, which the page does not show.
    keys.collect(request)
    keys.add(keys.of(page))
