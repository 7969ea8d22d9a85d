from fastapi import APIRouter, Depends
from pydantic.networks import EmailStr

from ...models import Message
from ...utils import generate_test_email, send_email
from ..deps import get_current_active_superuser

router = APIRouter()


@router.post("/test-email/", dependencies=[Depends(get_current_active_superuser)], status_code=201)
def test_email(email_to: EmailStr) -> Message:
    email_data = generate_test_email(email_to=email_to)
    send_email(email_to=email_to, subject=email_data.subject, html_content=email_data.html_content)
    return Message(message="Test email sent")


@router.get("/health-check/")
async def health_check() -> bool:
    return True
