"""Create demo users with random passwords and list them for the person running the demo."""

import secrets

from billing.client import create_user

DEMO_USERS = ["alice", "bob", "carol"]

for username in DEMO_USERS:
    password = secrets.token_urlsafe(12)
    create_user(username, password)
    print(f"{username}: {password}")
