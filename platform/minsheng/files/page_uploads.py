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
    max_bytes: int
    ids: list[uuid.UUID] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    async def save(
        self,
        session: AsyncSession,
        items: Iterable[tuple[str, Any]],
        name: str,
        *,
        uploaded_by: str,
        most: int | None = None,
    ) -> list[uuid.UUID]:
        """Store the files chosen in the form's file field ``name`` (at most ``most``) for the tenant in
        context; 422 naming a refused one (see ``files``). Their ids, in the order chosen."""
        chosen = [value for key, value in items if key == name and isinstance(value, UploadFile) and value.filename]
        saved = []
        for upload in chosen[:most]:
            content = await upload.read()
            if not content:
                continue
            row = await files.save_upload(
                session,
                self.store,
                content,
                filename=upload.filename or "file",
                claimed_type=upload.content_type,
                uploaded_by=uploaded_by,
                max_bytes=self.max_bytes,
            )
            self.ids.append(row.id)
            self.keys.append(row.key)
            saved.append(row.id)
        return saved

    async def discard(self) -> None:
        """Take the stored objects back (the rows went with the refused savepoint)."""
        for key in self.keys:
            await self.store.delete(key)
        self.keys.clear()
        self.ids.clear()
