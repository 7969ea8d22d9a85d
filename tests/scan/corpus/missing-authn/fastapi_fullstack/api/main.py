from fastapi import APIRouter

from .routes import items, login, uploads, users, utils

api_router = APIRouter()
api_router.include_router(login.router, tags=["login"])
api_router.include_router(users.router, prefix="/users", tags=["users"])
api_router.include_router(items.router, prefix="/items", tags=["items"])
api_router.include_router(uploads.router, prefix="/uploads", tags=["uploads"])
api_router.include_router(utils.router, prefix="/utils", tags=["utils"])
