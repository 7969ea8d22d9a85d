import secrets

import libuser

KEYS = {}


def keygen(username, password):
    if not libuser.login(username, password):
        return None
    key = secrets.token_hex(16)
    KEYS[key] = username
    return key


def authenticate(request):
    return KEYS.get(request.headers.get("X-APIKEY"))
