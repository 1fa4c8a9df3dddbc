"""Checking uploaded files on their content, not their name, before anything is stored.

platform/docs/architecture.md: "uploads are size- and type-checked on their content, not their name". The type is
read from the file's first bytes; Word and Excel files are zip archives, told apart by what they hold.
Refusals carry an English msgid with ``{placeholders}`` and their values, for the i18n layer.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import filetype

from minsheng.storage.keys import safe_filename, split_extension, tenant_key
from minsheng.storage.store import ObjectStore, StoredObject

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
GIF = "image/gif"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"

DEFAULT_ALLOWED_TYPES: frozenset[str] = frozenset({JPEG, PNG, WEBP, GIF, PDF, DOCX, XLSX})
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# The extensions a file of each type may carry; the first is the one given to files that have none.
EXTENSIONS: Mapping[str, tuple[str, ...]] = {
    JPEG: ("jpg", "jpeg", "jpe"),
    PNG: ("png",),
    WEBP: ("webp",),
    GIF: ("gif",),
    PDF: ("pdf",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    ZIP: ("zip",),
}

# Other names browsers and old clients send for the same types.
_TYPE_ALIASES = {
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "image/x-png": PNG,
    "application/x-pdf": PDF,
    "application/x-zip-compressed": ZIP,
}

# Claimed types that say nothing: a client that does not know the type sends one of these.
_UNINFORMATIVE_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})

# Office Open XML files are zip archives, and filetype guesses them from the order of the first members,
# which not every writer follows: every zip is looked inside instead.
_ZIP_TYPES = frozenset({ZIP, DOCX, XLSX, "application/vnd.openxmlformats-officedocument.presentationml.presentation"})


class UploadRefused(Exception):
    """An upload that fails its checks; ``reason`` is an English msgid, ``params`` fill it in."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason.format(**params))
        self.reason = reason
        self.params = params


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """An upload that passed: its type read from the content, its extension and a safe file name."""

    content_type: str
    extension: str
    size: int
    safe_name: str


@dataclass(frozen=True, slots=True)
class StoredUpload:
    """An upload that passed its checks and is stored."""

    upload: CheckedUpload
    stored: StoredObject


def detect_type(data: bytes) -> str | None:
    """Return the MIME type the bytes themselves show, or ``None`` if they are not recognised."""
    kind = filetype.guess(data)
    if kind is None:
        return None
    if kind.mime in _ZIP_TYPES:
        return _zip_container_type(data)
    return str(kind.mime)


def _zip_container_type(data: bytes) -> str | None:
    # Only the central directory is read, never a member's content: a zip bomb costs nothing here.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return None
    if "[Content_Types].xml" in names:
        if any(name.startswith("word/") for name in names):
            return DOCX
        if any(name.startswith("xl/") for name in names):
            return XLSX
    return ZIP


def _extensions(content_type: str) -> tuple[str, ...]:
    # A type a caller allows beyond ours (image/bmp, say) takes filetype's extension for it.
    if content_type in EXTENSIONS:
        return EXTENSIONS[content_type]
    kind = filetype.get_type(mime=content_type)
    return (str(kind.extension),) if kind is not None else ()


def _normalise_type(content_type: str | None) -> str:
    # "image/PNG; charset=binary" -> "image/png"
    bare = (content_type or "").split(";", 1)[0].strip().lower()
    return _TYPE_ALIASES.get(bare, bare)


def check_upload(
    data: bytes,
    claimed_type: str | None,
    filename: str,
    allowed: frozenset[str] = DEFAULT_ALLOWED_TYPES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CheckedUpload:
    """Check an upload on its content and return what it really is; raise :class:`UploadRefused`.

    Refused: an empty file; a file over ``max_bytes``; content of no recognised type or of a type not
    in ``allowed``; content that differs from the type the client claims or the file name's extension
    suggests (a PNG named ``.pdf`` is refused, not quietly renamed).
    """
    size = len(data)
    if size == 0:
        raise UploadRefused("the file is empty")
    if size > max_bytes:
        raise UploadRefused(
            "the file is {size} bytes, more than the limit of {limit} bytes", size=size, limit=max_bytes
        )
    detected = detect_type(data)
    allowed_names = ", ".join(sorted(_extensions(kind)[0] for kind in allowed if _extensions(kind)))
    if detected is None:
        raise UploadRefused("the type of the file cannot be recognised; allowed: {allowed}", allowed=allowed_names)
    if detected not in allowed:
        raise UploadRefused(
            "files of type {type} are not allowed; allowed: {allowed}", type=detected, allowed=allowed_names
        )
    # Cut short: the claim comes from the client and goes back into a message.
    claimed = _normalise_type(claimed_type)[:100]
    if claimed not in _UNINFORMATIVE_TYPES and claimed != detected:
        raise UploadRefused(
            "the file's content is {detected}, not the {claimed} it claims to be", detected=detected, claimed=claimed
        )
    safe_name = safe_filename(filename)
    extensions = _extensions(detected)
    _stem, extension = split_extension(safe_name)
    if extension and extension not in extensions:
        raise UploadRefused(
            "the file's content is {detected}, which does not match its extension .{extension}",
            detected=detected,
            extension=extension,
        )
    if not extension and extensions:
        # Give the file the extension of its content, so it opens in the right program once downloaded.
        safe_name = f"{safe_name}.{extensions[0]}"
    return CheckedUpload(
        content_type=detected,
        extension=extensions[0] if extensions else "",
        size=size,
        safe_name=safe_name,
    )


async def store_upload(
    store: ObjectStore,
    tenant_id: object,
    data: bytes,
    *,
    claimed_type: str | None,
    filename: str,
    allowed: frozenset[str] = DEFAULT_ALLOWED_TYPES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    folder: str = "uploads",
) -> StoredUpload:
    """Check an upload and, only if it passes, store it at ``t/<tenant>/<folder>/<random id>/<name>``.

    A refused upload raises :class:`UploadRefused` before anything is written. The random id keeps two
    uploads with the same name apart; the name stays in the key so a bucket listing is readable.
    """
    upload = check_upload(data, claimed_type, filename, allowed, max_bytes)
    key = tenant_key(tenant_id, folder, uuid.uuid4().hex, upload.safe_name)
    stored = await store.put(key, data, upload.content_type)
    return StoredUpload(upload, stored)
