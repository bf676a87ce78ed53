"""Dispatches published the way the newsroom does it: a revision, then Wagtail's publishing (signals included)."""

from manchette.filinfo.models import Dispatch

TEXT = "Plusieurs quartiers sont privés d’électricité. Le gestionnaire du réseau annonce un retour à la normale vers midi."


def save_dispatch(title="Coupure de courant à Namur", text=TEXT, **fields):
    """A draft dispatch: saved, with a revision, never published."""
    dispatch = Dispatch(title=title, text=text, **fields)
    dispatch.live = False
    dispatch.save()
    dispatch.save_revision()
    return dispatch


def publish_dispatch(title="Coupure de courant à Namur", **fields):
    dispatch = save_dispatch(title, **fields)
    dispatch.save_revision().publish()
    dispatch.refresh_from_db()
    return dispatch


def correct(dispatch, **fields):
    for name, value in fields.items():
        setattr(dispatch, name, value)
    dispatch.save_revision().publish()
    dispatch.refresh_from_db()
    return dispatch
