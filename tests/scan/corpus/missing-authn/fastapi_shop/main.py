"""Shop API: FastAPI app wiring routers together, admin and orders behind a login."""

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .deps import get_current_admin, get_current_user
from .routers import admin, auth, cart, orders, products, reviews

app = FastAPI(title="Shop API", version="2.3.0")
app.add_middleware(CORSMiddleware, allow_origins=["https://shop.example.com"])

app.include_router(auth.router, prefix="/auth", tags=["auth"])
app.include_router(products.router, prefix="/products", tags=["products"])
app.include_router(cart.router, prefix="/cart", tags=["cart"])
app.include_router(reviews.router, prefix="/reviews", tags=["reviews"])
app.include_router(
    orders.router,
    prefix="/orders",
    tags=["orders"],
    dependencies=[Depends(get_current_user)],
)
app.include_router(
    admin.router,
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(get_current_admin)],
)


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.post("/telemetry/events")
async def ingest_event(event: dict):
    # anonymous product analytics from the storefront; nothing is stored per user
    return {"accepted": True}
