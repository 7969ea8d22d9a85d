from decimal import Decimal

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from ..db import rates_table
from ..security import require_admin_scope

router = APIRouter()


class Rate(BaseModel):
    currency: str
    per_unit: Decimal


@router.get("/{currency}")
async def get_rate(currency: str):
    return await rates_table.get(currency.upper())


@router.put("/{currency}", dependencies=[Depends(require_admin_scope)])
async def set_rate(currency: str, rate: Rate):
    await rates_table.put(currency.upper(), rate.per_unit)
    return rate


@router.delete("/{currency}")
async def delete_rate(currency: str):
    await rates_table.delete(currency.upper())
    return {"deleted": currency}
