"""Objects as files under one directory: the embedded mode's store (``MINSHENG_DATA_DIR/objects``)."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from minsheng.storage.keys import check_key, check_prefix
from minsheng.storage.store import InvalidKey, ObjectNotFound, StoredObject

# Unfinished writes start with a dot: check_key refuses such segments, so they are never taken for
# objects, never listed, and a key can never name one.
_PARTIAL_PREFIX = ".partial-"


class LocalObjectStore:
    """An :class:`~minsheng.storage.store.ObjectStore` on the local filesystem.

    Writes go to a temporary file in the target directory and are renamed into place, so a reader sees
    the old object or the new one, never half of one. Blocking file work runs in a worker thread.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    async def ensure_root(self) -> None:
        """Create the root directory unless it exists (puts also create the folders they need)."""
        await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        # Runs in the worker thread: resolving a path touches the disk.
        path = self.root.joinpath(*check_key(key).split("/"))
        # check_key already rules out "..", but a symlink planted inside the root could still lead out.
        if not path.resolve().is_relative_to(self.root):
            raise InvalidKey(f"the object key {key!r} leads outside the store")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> StoredObject:
        """Write ``data`` atomically under ``key``, replacing any object there."""
        await asyncio.to_thread(self._write, key, data)
        return StoredObject(key, len(data), content_type, hashlib.sha256(data).hexdigest())

    def _write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        # mkstemp creates the file readable by its owner only, which suits tenants' attachments.
        # A concurrent delete_prefix may remove the freshly made directory before the temporary file is
        # created in it; one retry makes the directory again.
        for attempt in range(2):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                handle, partial = tempfile.mkstemp(prefix=_PARTIAL_PREFIX, dir=path.parent)
            except FileNotFoundError:
                if attempt:
                    raise
                continue
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(partial, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(partial)
                raise
            return

    async def get(self, key: str) -> bytes:
        """Return the object's bytes, or raise :class:`ObjectNotFound`."""
        try:
            return await asyncio.to_thread(lambda: self._path(key).read_bytes())
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(key) from None

    async def delete(self, key: str) -> None:
        """Remove the object; a missing one is not an error."""
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            await asyncio.to_thread(lambda: self._path(key).unlink())

    async def exists(self, key: str) -> bool:
        """Tell whether a file is stored under ``key``."""
        return await asyncio.to_thread(lambda: self._path(key).is_file())

    async def list(self, prefix: str) -> builtins.list[str]:
        """Return the sorted keys that start with ``prefix`` (a string prefix, as in S3)."""
        return await asyncio.to_thread(self._list, check_prefix(prefix))

    def _list(self, prefix: str) -> builtins.list[str]:
        # Walk only the deepest folder the prefix names fully, then filter by the string prefix, so
        # "t/1/up" finds "t/1/uploads/a" as S3 would.
        folder = prefix.rpartition("/")[0]
        start = self.root.joinpath(*folder.split("/")) if folder else self.root
        if not start.resolve().is_relative_to(self.root):
            raise InvalidKey(f"the prefix {prefix!r} leads outside the store")
        keys: builtins.list[str] = []
        for directory, subdirectories, files in os.walk(start):
            subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
            relative = Path(directory).relative_to(self.root).as_posix()
            base = "" if relative == "." else f"{relative}/"
            keys.extend(base + name for name in files if not name.startswith(".") and (base + name).startswith(prefix))
        return sorted(keys)

    async def download_url(self, key: str, filename: str, expires: timedelta) -> str | None:
        """Return ``None``: files on local disk are streamed by the app after its authorization check."""
        check_key(key)
        return None

    async def delete_prefix(self, prefix: str) -> None:
        """Remove every object under the folder ``prefix`` (ending with ``/``) and the emptied folders."""
        check_prefix(prefix, folder=True)
        await asyncio.to_thread(self._delete_folder, self.root.joinpath(*prefix.rstrip("/").split("/")))

    def _delete_folder(self, folder: Path) -> None:
        if not folder.resolve().is_relative_to(self.root):
            raise InvalidKey(f"the folder {folder} leads outside the store")
        # Bottom-up, so each directory is empty by the time it is removed; a directory a concurrent put
        # has just refilled stays (rmdir refuses), together with that new object.
        for directory, _subdirectories, files in os.walk(folder, topdown=False):
            for name in files:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(directory, name))
            with contextlib.suppress(OSError):
                os.rmdir(directory)
