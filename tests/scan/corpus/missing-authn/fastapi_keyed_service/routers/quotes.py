from fastapi import APIRouter
from pydantic import BaseModel

from ..db import quotes_table
from ..pricing import price_for

router = APIRouter()


class QuoteRequest(BaseModel):
    sku: str
    quantity: int
    currency: str = "EUR"


@router.post("/")
async def create_quote(body: QuoteRequest):
    quote = await price_for(body.sku, body.quantity, body.currency)
    await quotes_table.insert(quote)
    return quote


@router.delete("/{quote_id}")
async def withdraw_quote(quote_id: str):
    await quotes_table.delete(quote_id)
    return {"withdrawn": quote_id}
