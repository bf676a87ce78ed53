from django import template

from .. import account

register = template.Library()


@register.simple_tag
def newsletter_preferences_url(user):
    """The preferences page of USER's newsletters (their account's, or their verified address's), or ""."""
    return account.preferences_url(user) or ""
