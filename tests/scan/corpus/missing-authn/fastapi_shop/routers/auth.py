from fastapi import APIRouter, HTTPException
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, EmailStr

from ..deps import DbSession
from ..models import User
from ..security import create_access_token, hash_password, verify_password

router = APIRouter()


class SignUp(BaseModel):
    email: EmailStr
    password: str


@router.post("/token")
def login_for_token(form: OAuth2PasswordRequestForm, db: DbSession):
    user = db.query(User).filter(User.email == form.username).first()
    if user is None or not verify_password(form.password, user.password_hash):
        raise HTTPException(status_code=401, detail="Incorrect email or password")
    return {"access_token": create_access_token(user.id), "token_type": "bearer"}


@router.post("/signup", status_code=201)
def signup(body: SignUp, db: DbSession):
    if db.query(User).filter(User.email == body.email).first():
        raise HTTPException(status_code=409, detail="Email already registered")
    user = User(email=body.email, password_hash=hash_password(body.password))
    db.add(user)
    db.commit()
    return {"id": user.id}
