"""The object store contract every backend keeps: local disk in embedded mode, MinIO (S3) in production.

Keys are plain strings such as ``t/7/uploads/3f2a.../报告.pdf``; build them with
:func:`minsheng.storage.keys.tenant_key` so that every object sits under its tenant's prefix.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, runtime_checkable


class StorageError(Exception):
    """Base of the storage refusals, so callers can catch the family at once."""


class InvalidKey(StorageError, ValueError):
    """The key is empty, too long, or could escape its store (``..``, absolute, backslash, NUL)."""


class ObjectNotFound(StorageError, LookupError):
    """No object is stored under the key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no object is stored under {key!r}")
        self.key = key


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What was written: the audit chain records ``sha256``; the attachment row records the rest."""

    key: str
    size: int
    content_type: str
    sha256: str


@runtime_checkable
class ObjectStore(Protocol):
    """Where attachments and generated documents live; every method is safe to call concurrently."""

    async def put(self, key: str, data: bytes, content_type: str) -> StoredObject:
        """Store ``data`` under ``key``, replacing any object there; readers never see half a file."""
        ...

    async def get(self, key: str) -> bytes:
        """Return the object's bytes; raise :class:`ObjectNotFound` if there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; removing a missing object is not an error (jobs may run twice)."""
        ...

    async def exists(self, key: str) -> bool:
        """Tell whether an object is stored under ``key``."""
        ...

    # builtins.list: inside the class body, a bare "list" would name this method.
    async def list(self, prefix: str) -> builtins.list[str]:
        """Return the keys starting with ``prefix`` (a plain string prefix, as in S3), sorted."""
        ...

    async def download_url(self, key: str, filename: str, expires: timedelta) -> str | None:
        """Return a short-lived URL that downloads the object as ``filename``.

        ``None`` means the backend cannot hand out such URLs (local disk): the app then streams the
        object itself, after the same authorization check.
        """
        ...

    async def delete_prefix(self, prefix: str) -> None:
        """Remove every object under ``prefix``, which must end with ``/`` (a whole folder)."""
        ...
