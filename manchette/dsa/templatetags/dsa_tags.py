from django import template

from manchette.dsa import account

register = template.Library()


@register.simple_tag
def dsa_statements(user):
    """The statements of reasons USER received, newest first (the account page's panel)."""
    return account.statements_of(user) if getattr(user, "is_authenticated", False) else []
