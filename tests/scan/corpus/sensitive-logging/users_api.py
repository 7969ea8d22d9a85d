# ruff: noqa: B008
"""FastAPI user service with structlog: registration, OAuth callback, sessions."""

import httpx
import structlog
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel
from users.db import get_session
from users.models import User
from users.security import create_access_token, create_refresh_token, hash_password

router = APIRouter(prefix="/users")
logger = structlog.get_logger(__name__)

GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"


class Registration(BaseModel):
    email: str
    password: str
    display_name: str


@router.post("/register")
async def register(request: Request, session=Depends(get_session)):
    logger.info("register_payload", payload=await request.json())  # expect: PR104
    data = Registration(**(await request.json()))
    logger.info("register", email=data.email, display_name=data.display_name)
    logger.debug("register_password", password=data.password)  # expect: PR104
    user = User(email=data.email, password_hash=hash_password(data.password))
    session.add(user)
    await session.commit()
    logger.info("user_registered", user_id=user.id, password_length=len(data.password))
    return {"id": user.id}


@router.post("/login")
async def login(form: Registration, response: Response, session=Depends(get_session)):
    user = await User.authenticate(session, form.email, form.password)
    access_token = create_access_token(user.id)
    refresh_token = create_refresh_token(user.id)
    log = logger.bind(user_id=user.id, access_token=access_token)  # expect: PR104
    log.info("login_ok")
    logger.info(f"refresh token: {refresh_token}")  # expect: PR104
    logger.info("refresh_token_issued", user_id=user.id, token_type="refresh")
    response.set_cookie("refresh_token", refresh_token, httponly=True, secure=True)
    return {"access_token": access_token, "token_type": "bearer"}


@router.get("/oauth/google/callback")
async def google_callback(code: str, state: str):
    logger.info("oauth_callback", state=state)
    async with httpx.AsyncClient(timeout=10) as client:
        resp = await client.post(
            GOOGLE_TOKEN_URL, data={"code": code, "grant_type": "authorization_code"}
        )
    tokens = resp.json()
    logger.debug("google_token_response", body=tokens)  # expect: PR104
    logger.info(
        "google_token_scopes", scope=tokens.get("scope"), expires_in=tokens.get("expires_in")
    )
    return {"ok": True}


@router.get("/me")
async def me(request: Request):
    logger.debug("me_request", cookies=request.cookies)  # expect: PR104
    logger.debug(
        "me_request", user_agent=request.headers.get("user-agent"), client=request.client.host
    )
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    logger.debug("me_token", token=token)  # expect: PR104
    logger.debug("me_token_present", has_token=bool(token))
    return {"token_length": len(token)}


@router.post("/logout")
async def logout(request: Request, response: Response):
    session_cookie = request.cookies.get("session")
    logger.info("logout", session_cookie=session_cookie)  # expect: PR104
    response.delete_cookie("session")
    logger.info("logout_done", cookie_name="session")
    return {"ok": True}
