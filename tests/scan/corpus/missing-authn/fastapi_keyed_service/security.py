import hmac

from fastapi import Header, HTTPException

from .config import settings


async def verify_api_key(x_api_key: str = Header(...)):
    if not hmac.compare_digest(x_api_key, settings.api_key):
        raise HTTPException(status_code=401, detail="invalid API key")


async def require_admin_scope(x_scopes: str = Header("")):
    if "pricing:admin" not in x_scopes.split():
        raise HTTPException(status_code=403, detail="admin scope required")
