"""Object storage: attachments and generated documents, on local disk (embedded) or MinIO (S3).

Build the store once at start-up with :func:`open_object_store` (or :func:`make_object_store` when the
bucket is known to exist), and keep every key under its tenant's prefix with :func:`tenant_key`.
"""

from __future__ import annotations

from minsheng.settings import Settings
from minsheng.storage.keys import (
    check_key,
    check_prefix,
    content_disposition,
    safe_filename,
    tenant_key,
    tenant_prefix,
)
from minsheng.storage.local import LocalObjectStore
from minsheng.storage.s3 import S3ObjectStore
from minsheng.storage.store import InvalidKey, ObjectNotFound, ObjectStore, StorageError, StoredObject
from minsheng.storage.uploads import (
    DEFAULT_ALLOWED_TYPES,
    CheckedUpload,
    StoredUpload,
    UploadRefused,
    check_upload,
    store_upload,
)

__all__ = [
    "DEFAULT_ALLOWED_TYPES",
    "CheckedUpload",
    "InvalidKey",
    "LocalObjectStore",
    "ObjectNotFound",
    "ObjectStore",
    "S3ObjectStore",
    "StorageError",
    "StoredObject",
    "StoredUpload",
    "UploadRefused",
    "check_key",
    "check_prefix",
    "check_upload",
    "content_disposition",
    "make_object_store",
    "open_object_store",
    "safe_filename",
    "store_upload",
    "tenant_key",
    "tenant_prefix",
]


def make_object_store(settings: Settings) -> ObjectStore:
    """Return MinIO (S3) when ``MINSHENG_S3_ENDPOINT`` is set, else local disk under the data directory.

    Nothing is contacted or created here, so building the app stays free of side effects.
    """
    if settings.s3 is not None:
        return S3ObjectStore.from_settings(settings.s3)
    return LocalObjectStore(settings.data_dir / "objects")


async def open_object_store(settings: Settings) -> ObjectStore:
    """Return the store of :func:`make_object_store`, ready to use: the bucket or folder exists."""
    store = make_object_store(settings)
    if isinstance(store, S3ObjectStore):
        await store.ensure_bucket()
    elif isinstance(store, LocalObjectStore):
        await store.ensure_root()
    return store
