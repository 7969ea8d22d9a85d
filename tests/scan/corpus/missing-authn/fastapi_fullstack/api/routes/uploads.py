"""Attachments for items. Added in a hurry for the mobile release."""

import uuid

from fastapi import APIRouter, HTTPException, UploadFile

from ...models import Attachment, Item
from ...storage import bucket
from ..deps import SessionDep

router = APIRouter()


@router.post("/{item_id}")
async def upload_attachment(  # expect: PR105
    session: SessionDep, item_id: uuid.UUID, file: UploadFile
):
    if session.get(Item, item_id) is None:
        raise HTTPException(status_code=404, detail="Item not found")
    key = f"items/{item_id}/{uuid.uuid4()}"
    bucket.put_object(Key=key, Body=await file.read(), ContentType=file.content_type)
    session.add(Attachment(item_id=item_id, key=key, name=file.filename))
    session.commit()
    return {"key": key}


@router.delete("/{attachment_id}")
def delete_attachment(session: SessionDep, attachment_id: uuid.UUID):  # expect: PR105
    attachment = session.get(Attachment, attachment_id)  # expect: PR106
    if attachment is None:
        raise HTTPException(status_code=404)
    bucket.delete_object(Key=attachment.key)
    session.delete(attachment)
    session.commit()
    return {"ok": True}
