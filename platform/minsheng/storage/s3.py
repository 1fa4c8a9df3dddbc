"""Objects in an S3 bucket through MinIO's client: the production store.

The ``minio`` client is synchronous, so every call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import builtins
import hashlib
import io
from datetime import timedelta
from urllib.parse import urlsplit

from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import S3Error

from minsheng.settings import S3Settings
from minsheng.storage.keys import check_key, check_prefix, content_disposition
from minsheng.storage.store import ObjectNotFound, StorageError, StoredObject

# S3 caps a presigned URL's life at seven days.
_LONGEST_URL_LIFE = timedelta(days=7)


def _client(endpoint: str, settings: S3Settings) -> Minio:
    # Minio wants "host:port"; accept "https://host:port" too and let its scheme decide TLS.
    secure = settings.secure
    if "://" in endpoint:
        parts = urlsplit(endpoint)
        endpoint, secure = parts.netloc, parts.scheme == "https"
    # Giving the region keeps presigning offline: otherwise the client asks the server for it first.
    return Minio(
        endpoint,
        access_key=settings.access_key,
        secret_key=settings.secret_key,
        secure=secure,
        region=settings.region,
    )


class S3ObjectStore:
    """An :class:`~minsheng.storage.store.ObjectStore` on one S3 bucket (MinIO, or any S3 service).

    ``presign_client`` signs download URLs: give it the address browsers use when the app reaches the
    store by an internal name (``minio:9000`` inside docker compose), since the host is signed too.
    """

    def __init__(self, client: Minio, bucket: str, *, presign_client: Minio | None = None) -> None:
        self.client = client
        self.bucket = bucket
        self.presign_client = presign_client or client

    @classmethod
    def from_settings(cls, settings: S3Settings, *, public_endpoint: str | None = None) -> S3ObjectStore:
        """Build the store from ``MINSHENG_S3_*`` settings; ``public_endpoint`` is for download URLs."""
        client = _client(settings.endpoint, settings)
        presign_client = _client(public_endpoint, settings) if public_endpoint else None
        return cls(client, settings.bucket, presign_client=presign_client)

    async def ensure_bucket(self) -> None:
        """Create the bucket unless it exists; safe when several app servers start at once."""
        await asyncio.to_thread(self._ensure_bucket)

    def _ensure_bucket(self) -> None:
        if self.client.bucket_exists(self.bucket):
            return
        try:
            self.client.make_bucket(self.bucket)
        except S3Error as error:
            # Another server created it between our check and our request.
            if error.code != "BucketAlreadyOwnedByYou":
                raise

    async def put(self, key: str, data: bytes, content_type: str) -> StoredObject:
        """Upload ``data`` under ``key``; S3 replaces objects whole, so readers never see half of one."""
        check_key(key)
        digest = hashlib.sha256(data).hexdigest()
        await asyncio.to_thread(
            self.client.put_object,
            self.bucket,
            key,
            io.BytesIO(data),
            len(data),
            content_type=content_type,
            # Kept with the object so a backup can be checked against the audit chain without the DB.
            metadata={"sha256": digest},
        )
        return StoredObject(key, len(data), content_type, digest)

    async def get(self, key: str) -> bytes:
        """Return the object's bytes, or raise :class:`ObjectNotFound`."""
        check_key(key)
        return await asyncio.to_thread(self._get, key)

    def _get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(self.bucket, key)
        except S3Error as error:
            if error.code == "NoSuchKey":
                raise ObjectNotFound(key) from None
            raise
        try:
            return response.read()
        finally:
            # Both calls, as minio's documentation asks: close the stream, give the connection back.
            response.close()
            response.release_conn()

    async def delete(self, key: str) -> None:
        """Remove the object; S3 itself treats a missing object as removed."""
        check_key(key)
        await asyncio.to_thread(self.client.remove_object, self.bucket, key)

    async def exists(self, key: str) -> bool:
        """Tell whether an object is stored under ``key``."""
        check_key(key)
        return await asyncio.to_thread(self._exists, key)

    def _exists(self, key: str) -> bool:
        try:
            self.client.stat_object(self.bucket, key)
        except S3Error as error:
            if error.code == "NoSuchKey":
                return False
            raise
        return True

    async def list(self, prefix: str) -> builtins.list[str]:
        """Return the sorted keys that start with ``prefix``."""
        check_prefix(prefix)
        return await asyncio.to_thread(self._list, prefix)

    def _list(self, prefix: str) -> builtins.list[str]:
        listing = self.client.list_objects(self.bucket, prefix=prefix or None, recursive=True)
        return sorted(item.object_name for item in listing if item.object_name is not None)

    async def download_url(self, key: str, filename: str, expires: timedelta) -> str | None:
        """Return a presigned GET URL that downloads the object as ``filename`` (Chinese names too)."""
        check_key(key)
        if expires > _LONGEST_URL_LIFE:
            raise ValueError(f"a download URL can live at most {_LONGEST_URL_LIFE}")
        return await asyncio.to_thread(
            self.presign_client.presigned_get_object,
            self.bucket,
            key,
            expires=expires,
            response_headers={"response-content-disposition": content_disposition(filename)},
        )

    async def delete_prefix(self, prefix: str) -> None:
        """Remove every object under the folder ``prefix`` (ending with ``/``)."""
        check_prefix(prefix, folder=True)
        await asyncio.to_thread(self._delete_prefix, prefix)

    def _delete_prefix(self, prefix: str) -> None:
        listing = self.client.list_objects(self.bucket, prefix=prefix, recursive=True)
        doomed = (DeleteObject(item.object_name) for item in listing if item.object_name is not None)
        # remove_objects is lazy: nothing is deleted until its error iterator is consumed.
        errors = builtins.list(self.client.remove_objects(self.bucket, doomed))
        if errors:
            raise StorageError(f"{len(errors)} objects under {prefix!r} could not be removed: {errors[0]}")
