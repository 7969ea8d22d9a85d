"""Orders: the whole router is included with Depends(get_current_user) in main.py."""

from fastapi import APIRouter, HTTPException

from ..deps import CurrentUser, DbSession
from ..models import Order, OrderStatus

router = APIRouter()


@router.get("/")
def list_orders(db: DbSession, user: CurrentUser):
    return db.query(Order).filter(Order.user_id == user.id).all()


@router.post("/{order_id}/cancel")
def cancel_order(order_id: int, db: DbSession, user: CurrentUser):
    order = db.query(Order).filter(Order.id == order_id, Order.user_id == user.id).first()
    if order is None:
        raise HTTPException(status_code=404)
    if order.status != OrderStatus.pending:
        raise HTTPException(status_code=409, detail="Order already shipped")
    order.status = OrderStatus.cancelled
    db.commit()
    return order


@router.delete("/{order_id}")
def delete_order(order_id: int, db: DbSession):
    # guarded by the router's dependency in main.py; only drafts can be removed
    drafts = db.query(Order).filter(Order.status == "draft")
    deleted = drafts.filter(Order.id == order_id).delete()  # expect: PR106
    db.commit()
    return {"deleted": deleted}
