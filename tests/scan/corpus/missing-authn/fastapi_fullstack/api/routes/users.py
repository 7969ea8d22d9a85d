import uuid
from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from ... import crud
from ...models import Message, User, UserCreate, UserPublic, UserRegister, UserUpdateMe
from ..deps import CurrentUser, SessionDep, get_current_active_superuser

router = APIRouter()


@router.post("/", dependencies=[Depends(get_current_active_superuser)], response_model=UserPublic)
def create_user(*, session: SessionDep, user_in: UserCreate) -> Any:
    if crud.get_user_by_email(session=session, email=user_in.email):
        raise HTTPException(status_code=400, detail="A user with this email already exists")
    return crud.create_user(session=session, user_create=user_in)


@router.patch("/me", response_model=UserPublic)
def update_user_me(*, session: SessionDep, user_in: UserUpdateMe, current_user: CurrentUser):
    current_user.sqlmodel_update(user_in.model_dump(exclude_unset=True))
    session.add(current_user)
    session.commit()
    return current_user


@router.post("/signup", response_model=UserPublic)
def register_user(session: SessionDep, user_in: UserRegister) -> Any:
    if crud.get_user_by_email(session=session, email=user_in.email):
        raise HTTPException(status_code=400, detail="A user with this email already exists")
    return crud.create_user(session=session, user_create=UserCreate.model_validate(user_in))


@router.delete("/{user_id}", dependencies=[Depends(get_current_active_superuser)])
def delete_user(session: SessionDep, user_id: uuid.UUID) -> Message:
    user = session.get(User, user_id)
    if not user:
        raise HTTPException(status_code=404, detail="User not found")
    session.delete(user)
    session.commit()
    return Message(message="User deleted successfully")


@router.post("/{user_id}/resend-invite")
def resend_invite(session: SessionDep, user_id: uuid.UUID) -> Message:  # expect: PR105
    user = session.get(User, user_id)
    if not user:
        raise HTTPException(status_code=404, detail="User not found")
    user.invite_sent_count = user.invite_sent_count + 1
    crud.send_invite_email(user)
    session.commit()
    return Message(message="Invite sent")
