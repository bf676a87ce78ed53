"""Test clients logged in as a member of the newsroom, for the moderators' pages."""

from django.test import Client


def client_of(user):
    client = Client()
    client.force_login(user)
    return client
