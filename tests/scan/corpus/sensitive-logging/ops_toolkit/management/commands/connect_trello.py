"""Connect the importer to Trello: the operator authorises the app and keeps the token."""

import logging

from django.core.management.base import BaseCommand

from billing.client import TrelloImporter

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Authorise the Trello importer and print the access token to reuse"

    def handle(self, *args, **options):
        token, token_secret, url = TrelloImporter.get_auth_url()
        print(f"Open {url} and authorise the importer")
        verifier = input("Code: ")
        access = TrelloImporter.get_access_token(token, token_secret, verifier)
        print("Access token: {}".format(access["oauth_token"]))
        logger.info("trello access token %s", access["oauth_token"])  # expect: PR104
