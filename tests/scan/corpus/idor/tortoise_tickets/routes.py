# ruff: noqa: B008
from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from .auth import current_user, require_role
from .models import Ticket, TicketComment, User

router = APIRouter(prefix="/tickets", tags=["tickets"])


class CommentIn(BaseModel):
    body: str


async def _load_ticket(ticket_id: int) -> Ticket:
    return await Ticket.get(id=ticket_id)  # expect: PR106


@router.get("/{ticket_id}")
async def get_ticket(ticket_id: int, user: User = Depends(current_user)):
    return await Ticket.get(id=ticket_id)  # expect: PR106


@router.get("/{ticket_id}/own")
async def get_own_ticket(ticket_id: int, user: User = Depends(current_user)):
    ticket = await Ticket.get_or_none(id=ticket_id, owner=user)
    if ticket is None:
        raise HTTPException(status_code=404)
    return ticket


@router.delete("/{ticket_id}")
async def delete_ticket(ticket_id: int, user: User = Depends(current_user)):
    await Ticket.filter(id=ticket_id).delete()  # expect: PR106
    return {"deleted": ticket_id}


@router.post("/{ticket_id}/comments", status_code=201)
async def add_comment(ticket_id: int, body: CommentIn, user: User = Depends(current_user)):
    ticket = await Ticket.get(id=ticket_id)
    if ticket.owner_id != user.id and not user.is_agent:
        raise HTTPException(status_code=404)
    return await TicketComment.create(ticket=ticket, author=user, body=body.body)


@router.patch("/{ticket_id}/priority")
async def set_priority(ticket_id: int, priority: int, agent: User = Depends(require_role("agent"))):
    await Ticket.filter(id=ticket_id).update(priority=priority)
    return {"priority": priority}


@router.post("/{ticket_id}/close")
async def close_ticket(ticket_id: int, user: User = Depends(current_user)):
    ticket = await _load_ticket(ticket_id)
    ticket.closed = True
    await ticket.save()
    return {"closed": True}


@router.get("/")
async def my_tickets(user: User = Depends(current_user)):
    return await Ticket.filter(owner=user).order_by("-id")
