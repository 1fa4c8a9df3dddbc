"""Object keys and download file names.

Every object lives under its tenant's prefix ``t/<tenant_id>/``, so removing a tenant, exporting it or
granting a bucket policy is one prefix. Keys are checked the same way for every backend: what would
escape a directory on disk is refused on S3 too, so a key never behaves differently between the
embedded mode and production.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from minsheng.storage.store import InvalidKey

# S3's own limit on key length, in UTF-8 bytes.
MAX_KEY_BYTES = 1024

# Most filesystems cap a name at 255 bytes; a CJK character takes three, so count bytes, not characters,
# and leave room for the temporary suffix of an atomic write.
DEFAULT_FILENAME_BYTES = 180

_TENANT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
# An extension is short ASCII with a letter in it: "pdf", "mp4"; the "2" of "方案v1.2" is not one.
_EXTENSION = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{1,10}$")
_UNDERSCORES = re.compile(r"_+")


def _is_invisible(char: str) -> bool:
    # Control, format (e.g. U+202E right-to-left override, used to disguise "exe" as "pdf"), surrogate,
    # private-use and unassigned characters never belong in a key or a file name.
    return unicodedata.category(char).startswith("C")


def check_key(key: str) -> str:
    """Return ``key`` unchanged if it is safe for every backend, else raise :class:`InvalidKey`.

    Refused: empty keys, keys over 1024 bytes, absolute keys, backslashes, control characters (NUL
    among them), empty segments (``a//b``) and segments starting with a dot (``..``, ``.``, hidden
    names — the local store also keeps its unfinished writes under such names).
    """
    if not isinstance(key, str) or not key:
        raise InvalidKey("an object key must be a non-empty string")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise InvalidKey(f"an object key must be at most {MAX_KEY_BYTES} bytes")
    if "\\" in key or any(_is_invisible(char) for char in key):
        raise InvalidKey(f"the object key {key!r} contains a backslash or a control character")
    if key.startswith("/"):
        raise InvalidKey(f"the object key {key!r} is absolute")
    for segment in key.split("/"):
        if not segment or segment.startswith("."):
            raise InvalidKey(f"the object key {key!r} has an empty or dot segment")
    return key


def check_prefix(prefix: str, *, folder: bool = False) -> str:
    """Return ``prefix`` unchanged if it is a safe listing prefix, else raise :class:`InvalidKey`.

    The empty prefix means "everything". With ``folder=True`` the prefix must be non-empty and end with
    ``/``: a deletion under ``t/1`` would also take ``t/10`` and ``t/11``.
    """
    if folder and not (prefix and prefix.endswith("/")):
        raise InvalidKey(f"the prefix {prefix!r} must name a folder, ending with '/'")
    if prefix:
        check_key(prefix.removesuffix("/"))
    return prefix


def tenant_prefix(tenant_id: object) -> str:
    """Return the folder holding all of a tenant's objects: ``t/<tenant_id>/``.

    The tenant id is validated, not cleaned: two tenants must never share a prefix, so an id that would
    need changing is refused with :class:`InvalidKey`.
    """
    text = str(tenant_id)
    if not _TENANT_ID.match(text):
        raise InvalidKey(f"the tenant id {text!r} cannot be used in an object key")
    return f"t/{text}/"


def tenant_key(tenant_id: object, *parts: object) -> str:
    """Return the key ``t/<tenant_id>/<part>/<part>...`` for one of a tenant's objects.

    Each part becomes one segment, cleaned like a file name (slashes included, so a part never adds a
    level). Cleaning can make two parts equal, so put a unique id among the parts of uploaded files.
    """
    if not parts:
        raise InvalidKey("an object key needs at least one part after the tenant")
    segments = [_clean_segment(str(part)) for part in parts]
    return check_key(tenant_prefix(tenant_id) + "/".join(segments))


def _clean_segment(text: str) -> str:
    segment = _clean(unicodedata.normalize("NFC", text)).strip("._-")
    if not segment:
        raise InvalidKey(f"the key part {text!r} has nothing usable left once cleaned")
    return segment


def _clean(text: str) -> str:
    # Keep letters of any script (CJK included), digits, dot, dash and underscore; drop invisible
    # characters outright and turn everything else (spaces, slashes, brackets, 《》) into one underscore.
    kept = []
    for char in text:
        if _is_invisible(char):
            continue
        category = unicodedata.category(char)
        kept.append(char if category[0] == "L" or category == "Nd" or char in "._-" else "_")
    return _UNDERSCORES.sub("_", "".join(kept))


def split_extension(name: str) -> tuple[str, str]:
    """Split ``name`` into its stem and its lower-case extension (``""`` when it has none).

    Only short ASCII with a letter counts as an extension: ``报告.PDF`` gives ``("报告", "pdf")``,
    ``方案v1.2`` gives ``("方案v1.2", "")``.
    """
    stem, dot, extension = name.rpartition(".")
    if dot and stem.strip(".") and _EXTENSION.match(extension):
        return stem, extension.lower()
    return name, ""


def safe_filename(name: str, *, max_bytes: int = DEFAULT_FILENAME_BYTES, default: str = "file") -> str:
    """Return a file name safe to store and to offer for download; never empty.

    Directories are dropped (``C:\\材料\\报告.pdf`` gives ``报告.pdf``); CJK and other letters, digits,
    dot, dash and underscore are kept; control characters vanish; anything else becomes ``_``. Leading
    dots and dashes go (no hidden files, nothing a shell takes for an option). The name is shortened to
    ``max_bytes`` UTF-8 bytes, keeping its extension.
    """
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem, extension = split_extension("".join(char for char in name if not _is_invisible(char)))
    suffix = f".{extension}" if extension else ""
    stem = _clean(stem).strip("._-")
    budget = max(max_bytes - len(suffix), 1)
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1]
    return (stem.rstrip("._-") or default) + suffix


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """Return a ``Content-Disposition`` value that downloads as ``filename`` in every browser.

    RFC 6266 with RFC 5987's ``filename*=UTF-8''...`` for Chinese names, and a plain-ASCII
    ``filename="..."`` first for old clients that do not read the encoded form.
    """
    name = safe_filename(filename)
    fallback = "".join(char if char.isascii() else "_" for char in name)
    fallback = _UNDERSCORES.sub("_", fallback)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
