"""The admin's templates that name a model, in French agreed with its gender (news/admin_french.py)."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..admin_french import wording_for

register = template.Library()


def _wording(model_opts=None, model_name=""):
    if model_opts is not None:
        wording = wording_for(model_opts.label_lower) if hasattr(model_opts, "label_lower") else wording_for(model_opts)
        if wording is not None:
            return wording
    if model_name:
        from ..admin_french import WORDINGS

        for wording in WORDINGS.values():
            if str(wording.name) == str(model_name).lower():
                return wording
    return None


@register.simple_tag
def this_one(model_opts=None, model_name=""):
    """« cette dépêche », « cet article »; « ce contenu » for a model without a wording."""
    wording = _wording(model_opts, model_name)
    return wording.this if wording is not None else _("ce contenu")


@register.simple_tag
def references_to(model_opts, count):
    """« Aucune référence à cet article. », « 3 références à cette dépêche. »"""
    this = this_one(model_opts)
    if not count:
        return _("Aucune référence à %(this)s.") % {"this": this}
    return ngettext("%(count)s référence à %(this)s.", "%(count)s références à %(this)s.", count) % {"count": count, "this": this}


@register.simple_tag
def uses(count):
    """« Aucune utilisation », « 1 utilisation », « 4 utilisations »: no gender to agree."""
    if not count:
        return _("Aucune utilisation")
    return ngettext("%(count)s utilisation", "%(count)s utilisations", count) % {"count": count}
