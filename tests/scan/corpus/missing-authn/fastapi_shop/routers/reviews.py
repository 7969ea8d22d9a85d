from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from ..deps import CurrentUser, DbSession
from ..models import Review

router = APIRouter()


class ReviewIn(BaseModel):
    product_id: int
    stars: int = Field(ge=1, le=5)
    text: str = ""


@router.get("/product/{product_id}")
def product_reviews(product_id: int, db: DbSession):
    return db.query(Review).filter(Review.product_id == product_id).all()


@router.post("/", status_code=201)
def write_review(body: ReviewIn, db: DbSession, user: CurrentUser):
    review = Review(**body.model_dump(), user_id=user.id)
    db.add(review)
    db.commit()
    return review


@router.delete("/{review_id}")
def delete_review(review_id: int, db: DbSession, user: CurrentUser):
    review = db.get(Review, review_id)
    if review is None or review.user_id != user.id:
        raise HTTPException(status_code=404)
    db.delete(review)
    db.commit()
    return {"ok": True}


@router.post("/{review_id}/helpful")
def mark_helpful(review_id: int, db: DbSession):  # expect: PR105
    review = db.get(Review, review_id)
    if review is None:
        raise HTTPException(status_code=404)
    review.helpful_votes += 1
    db.commit()
    return {"helpful_votes": review.helpful_votes}
