"""Signals of the accounts app, for the apps that keep something of a reader's."""

from django.dispatch import Signal

# Sent with user=… inside the transaction that deletes the account, before it goes: the comments app applies
# COMMENTS_ON_ACCOUNT_DELETION there. A receiver that fails cancels the deletion.
account_deleting = Signal()
