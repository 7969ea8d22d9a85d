from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from ..deps import CurrentAdmin, DbSession
from ..models import Product

router = APIRouter()


class ProductIn(BaseModel):
    name: str
    price_cents: int
    stock: int = 0


@router.get("/")
def list_products(db: DbSession, limit: int = 50):
    return db.query(Product).filter(Product.active.is_(True)).limit(limit).all()


@router.get("/{product_id}")
def get_product(product_id: int, db: DbSession):
    product = db.get(Product, product_id)
    if product is None:
        raise HTTPException(status_code=404)
    return product


@router.post("/", status_code=201)
def create_product(body: ProductIn, db: DbSession, admin: CurrentAdmin):
    product = Product(**body.model_dump())
    db.add(product)
    db.commit()
    return product


@router.put("/{product_id}")
def update_product(product_id: int, body: ProductIn, db: DbSession, admin: CurrentAdmin):
    product = db.get(Product, product_id)
    for key, value in body.model_dump().items():
        setattr(product, key, value)
    db.commit()
    return product


@router.patch("/{product_id}/stock")
def adjust_stock(product_id: int, delta: int, db: DbSession):  # expect: PR105
    product = db.get(Product, product_id)
    if product is None:
        raise HTTPException(status_code=404)
    product.stock += delta
    db.commit()
    return {"stock": product.stock}


@router.delete("/{product_id}")
def delete_product(product_id: int, db: DbSession):  # expect: PR105
    db.query(Product).filter(Product.id == product_id).delete()
    db.commit()
    return {"deleted": product_id}


@router.post("/search")
def search_products(query: dict, db: DbSession):
    term = f"%{query.get('q', '')}%"
    return db.query(Product).filter(Product.name.ilike(term)).limit(25).all()
