"""Order validation and pricing."""

import logging

from app.storage import db

log = logging.getLogger(__name__)

PRICES_CENTS = {"widget": 1250, "gadget": 4999}


class InvalidOrder(ValueError):
    pass


def place_order(conn, customer: str, sku: str, quantity: int) -> dict:
    if sku not in PRICES_CENTS:
        raise InvalidOrder(f"unknown sku {sku!r}")
    if quantity < 1 or quantity > 100:
        raise InvalidOrder("quantity must be between 1 and 100")
    total = PRICES_CENTS[sku] * quantity
    order_id = db.insert_order(conn, customer, sku, quantity, total)
    log.info("order placed id=%s sku=%s quantity=%s", order_id, sku, quantity)
    return {"id": order_id, "customer": customer, "sku": sku, "quantity": quantity, "total_cents": total}
