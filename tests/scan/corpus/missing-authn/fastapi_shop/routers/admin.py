"""Back-office endpoints; main.py includes this router with Depends(get_current_admin)."""

from fastapi import APIRouter

from ..deps import DbSession
from ..models import Order, Product, User

router = APIRouter()


@router.post("/users/{user_id}/deactivate")
def deactivate_user(user_id: int, db: DbSession):
    user = db.get(User, user_id)
    user.is_active = False
    db.commit()
    return {"ok": True}


@router.post("/orders/{order_id}/refund")
def refund_order(order_id: int, db: DbSession):
    order = db.get(Order, order_id)
    order.status = "refunded"
    db.commit()
    return {"ok": True}


@router.delete("/products/discontinued")
def purge_discontinued(db: DbSession):
    count = db.query(Product).filter(Product.active.is_(False)).delete()
    db.commit()
    return {"deleted": count}
