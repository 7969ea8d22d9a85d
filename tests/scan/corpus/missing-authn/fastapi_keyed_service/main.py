"""Internal pricing service: every route needs the platform API key (checked app-wide)."""

from fastapi import Depends, FastAPI

from .routers import quotes, rates
from .security import verify_api_key

app = FastAPI(title="pricing", dependencies=[Depends(verify_api_key)])
app.include_router(rates.router, prefix="/rates")
app.include_router(quotes.router, prefix="/quotes")


@app.post("/cache/flush")
async def flush_cache():
    from .cache import cache

    await cache.clear()
    return {"flushed": True}
