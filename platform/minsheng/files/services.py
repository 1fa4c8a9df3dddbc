"""Use cases of files: check and store an upload, record it, hand out a download after a check."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.errors import InvalidInput, NotFound
from minsheng.files.models import StoredFile
from minsheng.storage import DEFAULT_ALLOWED_TYPES, ObjectStore, UploadRefused, store_upload
from minsheng.storage.keys import tenant_key
from minsheng.tenancy.context import current_tenant

DOWNLOAD_URL_LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True)
class Download:
    """Either a short-lived presigned URL, or the bytes for the app to send itself."""

    file: StoredFile
    url: str | None
    content: bytes | None


def _tenant_id() -> uuid.UUID:
    tenant = current_tenant()
    if tenant is None:
        raise RuntimeError("files need a tenant in context")
    return tenant.id


async def save_upload(
    session: AsyncSession,
    store: ObjectStore,
    data: bytes,
    *,
    filename: str,
    claimed_type: str | None,
    uploaded_by: str,
    max_bytes: int,
    allowed: frozenset[str] = DEFAULT_ALLOWED_TYPES,
) -> StoredFile:
    """Check an upload on its content and store it under the tenant's prefix; refused: nothing stored."""
    try:
        stored = await store_upload(
            store,
            _tenant_id(),
            data,
            claimed_type=claimed_type,
            filename=filename,
            allowed=allowed,
            max_bytes=max_bytes,
        )
    except UploadRefused as exc:
        raise InvalidInput(exc.reason, **exc.params) from exc
    row = StoredFile(
        key=stored.stored.key,
        filename=stored.upload.safe_name,
        content_type=stored.upload.content_type,
        size=stored.stored.size,
        sha256=stored.stored.sha256,
        uploaded_by=uploaded_by,
    )
    session.add(row)
    try:
        await session.flush()
    except Exception:
        # The row did not make it: take the object back so nothing is left half-written.
        await store.delete(stored.stored.key)
        raise
    return row


async def save_generated(
    session: AsyncSession,
    store: ObjectStore,
    data: bytes,
    *,
    folder: str,
    filename: str,
    content_type: str,
    created_by: str,
    object_id: str | None = None,
) -> StoredFile:
    """Store a file the platform made itself (an export, a document) and record it.

    ``object_id`` fixes the key's unique part (a job passes its own id, so a repeated run overwrites
    the same object instead of leaving a second one); by default it is random.
    """
    key = tenant_key(_tenant_id(), folder, object_id or uuid.uuid4().hex, filename)
    stored = await store.put(key, data, content_type)
    row = StoredFile(
        key=key,
        filename=filename,
        content_type=content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=created_by,
    )
    session.add(row)
    await session.flush()
    return row


async def get_file(session: AsyncSession, file_id: uuid.UUID) -> StoredFile:
    """A file of the tenant in context (another tenant's file is simply not found)."""
    row = await session.get(StoredFile, (_tenant_id(), file_id))
    if row is None:
        raise NotFound("Not found")
    return row


async def download(session: AsyncSession, store: ObjectStore, file_id: uuid.UUID) -> Download:
    """A download of a file the caller was already authorised for: presigned URL, else the bytes."""
    row = await get_file(session, file_id)
    url = await store.download_url(row.key, row.filename, DOWNLOAD_URL_LIFETIME)
    if url is not None:
        return Download(row, url, None)
    return Download(row, None, await store.get(row.key))
