from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .deps import get_current_customer, get_current_staff, get_session
from .models import Account, Beneficiary, Customer, Statement, Transaction

router = APIRouter(prefix="/v1")
Session = Annotated[AsyncSession, Depends(get_session)]
Me = Annotated[Customer, Depends(get_current_customer)]


class TransferIn(BaseModel):
    from_account_id: int
    to_iban: str
    amount: Decimal = Field(gt=0)


@router.get("/accounts/{account_id}")
async def get_account(account_id: int, session: Session, me: Me):
    account = await session.get(Account, account_id)
    if account is None or account.customer_id != me.id:
        raise HTTPException(status_code=404)
    return {"iban": account.iban, "balance": str(account.balance)}


@router.get("/accounts/{account_id}/transactions")
async def list_transactions(account_id: int, session: Session, me: Me, limit: int = 50):
    stmt = select(Transaction).where(Transaction.account_id == account_id)  # expect: PR106
    rows = (await session.scalars(stmt.limit(limit))).all()
    return [{"amount": str(t.amount), "memo": t.memo} for t in rows]


@router.post("/transfers", status_code=201)
async def create_transfer(body: TransferIn, session: Session, me: Me):
    source = await session.get(Account, body.from_account_id)  # expect: PR106
    if source is None or source.balance < body.amount:
        raise HTTPException(status_code=400, detail="insufficient funds")
    source.balance -= body.amount
    session.add(Transaction(account_id=source.id, customer_id=me.id, amount=-body.amount))
    await session.commit()
    return {"ok": True}


@router.delete("/beneficiaries/{beneficiary_id}")
async def delete_beneficiary(beneficiary_id: int, session: Session, me: Me):
    stmt = select(Beneficiary).where(
        Beneficiary.id == beneficiary_id, Beneficiary.customer_id == me.id
    )
    beneficiary = (await session.scalars(stmt)).first()
    if beneficiary is None:
        raise HTTPException(status_code=404)
    await session.delete(beneficiary)
    await session.commit()


@router.patch("/beneficiaries/{beneficiary_id}")
async def rename_beneficiary(beneficiary_id: int, name: str, session: Session, me: Me):
    beneficiary = await session.get(Beneficiary, beneficiary_id)
    if beneficiary is None or beneficiary.customer_id != me.id:
        raise HTTPException(status_code=404)
    beneficiary.name = name
    await session.commit()
    return {"name": name}


@router.get("/statements/{statement_id}/pdf")
async def download_statement(statement_id: int, session: Session, me: Me):
    statement = await session.get(Statement, statement_id)  # expect: PR106
    if statement is None:
        raise HTTPException(status_code=404)
    return FileResponse(statement.path, media_type="application/pdf")


@router.get("/staff/customers/{customer_id}/accounts")
async def staff_accounts(
    customer_id: int, session: Session, staff: Annotated[Customer, Depends(get_current_staff)]
):
    rows = await session.scalars(select(Account).where(Account.customer_id == customer_id))
    return [{"iban": a.iban, "balance": str(a.balance)} for a in rows]


@router.get("/me/accounts")
async def my_accounts(session: Session, me: Me):
    rows = await session.scalars(select(Account).where(Account.customer_id == me.id))
    return [{"id": a.id, "iban": a.iban} for a in rows]
