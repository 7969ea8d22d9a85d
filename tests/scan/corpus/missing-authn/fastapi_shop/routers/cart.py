"""Cart endpoints. Written for guests first; logged-in carts were bolted on later."""

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from ..deps import DbSession
from ..models import Cart, CartItem, Product

router = APIRouter()


class AddItem(BaseModel):
    product_id: int
    quantity: int = 1


@router.get("/{cart_id}")
def get_cart(cart_id: str, db: DbSession):
    cart = db.get(Cart, cart_id)
    if cart is None:
        raise HTTPException(status_code=404)
    return cart


@router.post("/{cart_id}/items", status_code=201)
def add_item(cart_id: str, body: AddItem, db: DbSession):  # expect: PR105
    if db.get(Product, body.product_id) is None:
        raise HTTPException(status_code=404, detail="Unknown product")
    db.add(CartItem(cart_id=cart_id, product_id=body.product_id, quantity=body.quantity))
    db.commit()
    return {"ok": True}


@router.delete("/{cart_id}/items/{item_id}")
def remove_item(cart_id: str, item_id: int, db: DbSession):  # expect: PR105
    db.query(CartItem).filter(CartItem.cart_id == cart_id, CartItem.id == item_id).delete()
    db.commit()
    return {"ok": True}


@router.post("/{cart_id}/checkout")
def checkout(cart_id: str, db: DbSession):  # expect: PR105
    cart = db.get(Cart, cart_id)
    if cart is None or not cart.items:
        raise HTTPException(status_code=400, detail="Empty cart")
    order = cart.to_order()
    db.add(order)
    db.delete(cart)
    db.commit()
    return {"order_id": order.id}
