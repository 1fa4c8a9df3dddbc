"""Photos and scans sent with a page's form, stored before the service that uses them.

A page stores the files a person chose (each checked on its content, as ``/files`` does), then calls
the same service as the API with their ids. When that service refuses, the page undoes its savepoint
and :meth:`FormUploads.discard` takes the stored objects back, so a refused form leaves no file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from litestar.datastructures import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.files import services as files
from minsheng.storage import ObjectStore


@dataclass
class FormUploads:
    """The files stored from one form: their ids for the service, their keys to take them back."""

    store: ObjectStore
    ids: list[uuid.UUID] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    async def discard(self) -> None:
        """Take the stored objects back (the rows went with the refused savepoint)."""
        for key in self.keys:
            await self.store.delete(key)
        self.keys.clear()
        self.ids.clear()


def chosen_files(items: Iterable[tuple[str, Any]], name: str) -> list[UploadFile]:
    """The files chosen in the form's file field ``name`` (a field left empty sends none)."""
    return [value for key, value in items if key == name and isinstance(value, UploadFile) and value.filename]


async def store_form_files(
    session: AsyncSession,
    store: ObjectStore,
    uploads: Iterable[UploadFile],
    *,
    uploaded_by: str,
    max_bytes: int,
    stored: FormUploads | None = None,
) -> FormUploads:
    """Store each chosen file of the tenant in context (422 naming a refused one: see ``files``).

    ``stored`` collects them as they are stored, so the caller can discard those already stored when
    a later one is refused.
    """
    kept = stored if stored is not None else FormUploads(store)
    for upload in uploads:
        content = await upload.read()
        if not content:
            continue
        row = await files.save_upload(
            session,
            store,
            content,
            filename=upload.filename or "file",
            claimed_type=upload.content_type,
            uploaded_by=uploaded_by,
            max_bytes=max_bytes,
        )
        kept.ids.append(row.id)
        kept.keys.append(row.key)
    return kept
