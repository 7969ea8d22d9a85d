"""Rotate the API key of a partner account and show the new one to the operator."""

import argparse
import logging
import secrets

from billing.client import Partner

logger = logging.getLogger("ops.rotate")


def rotate(partner_id: str) -> str:
    api_key = secrets.token_urlsafe(32)
    Partner.get(partner_id).set_api_key(api_key)
    logger.info("rotated key for %s", partner_id)
    logger.debug("new key %s", api_key)  # expect: PR104
    return api_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("partner_id")
    args = parser.parse_args()
    api_key = rotate(args.partner_id)
    print(f"New API key for {args.partner_id}: {api_key}")
    print("Store it now: it cannot be shown again.")


if __name__ == "__main__":
    main()
