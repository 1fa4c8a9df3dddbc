"""One input policy at the boundary, for every route and both backends (platform/docs/threat-model.md).

Text the platform stores or searches never holds NUL, other control characters, lone surrogates or
the non-characters U+FFFE/U+FFFF: PostgreSQL refuses some of them (a 500 after the work was done),
SQLite stores them, and a stored one breaks the Excel exports later. So they are refused before any
handler runs, with a ``422`` naming the field: in the path and query parameters always, in JSON bodies
and forms except tab, line feed and carriage return (a textarea's line breaks). JSON nested deeper than
:data:`MAX_JSON_DEPTH` is refused with a ``400`` before the decoder sees it (deep nesting is nothing a
form or the API needs, and it costs the decoder a stack frame per level).

The checks are pure functions (:func:`json_problem`, :func:`pairs_problem`, tested without the app);
:func:`input_policy_middleware` reads the body once, checks it and hands the same bytes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from litestar.exceptions import ClientException, ValidationException
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send
from multipart import MultipartSegment, ParserError, PushMultipartParser

#: Deepest nesting of arrays and objects a JSON body may have.
MAX_JSON_DEPTH = 32
#: Bodies larger than this are not read here (the framework's body limit refuses them anyway).
MAX_CHECKED_BODY = 16 * 1024 * 1024

#: What a parameter (path or query) may never hold.
PARAMETER_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: What text in a body may never hold: the same, less tab, line feed and carriage return.
TEXT_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

#: The message of a refusal, recognised by ``minsheng.http.validation`` and said in the reader's language.
CONTROL_MESSAGE = "Contains a control character"
DEEP_MESSAGE = "The JSON body is nested too deeply"


@dataclass(frozen=True)
class Problem:
    """A refused value: where it was (``path``, ``query``, ``body``) and its field's key."""

    source: str
    key: str


class TooDeep(Exception):
    """A JSON body nested deeper than :data:`MAX_JSON_DEPTH`."""


def json_problem(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> Problem | None:
    """The first string (key or value) of a decoded JSON body the policy refuses; :class:`TooDeep` when
    the body nests deeper than ``max_depth``. Iterative: the walk itself never recurses."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, key, depth = stack.pop()
        if isinstance(item, str):
            if TEXT_REFUSED.search(item):
                return Problem("body", key)
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                raise TooDeep
            entries = item.items() if isinstance(item, dict) else enumerate(item)
            for name, child in entries:
                child_key = f"{key}.{name}" if key else str(name)
                if isinstance(name, str) and TEXT_REFUSED.search(name):
                    return Problem("body", child_key)
                stack.append((child, child_key, depth + 1))
    return None


def pairs_problem(pairs: Iterable[tuple[str, str]], source: str, refused: re.Pattern[str]) -> Problem | None:
    """The first ``(key, value)`` pair whose key or value ``refused`` matches."""
    for key, value in pairs:
        if refused.search(key) or refused.search(value):
            return Problem(source, key)
    return None


def _decoded_pairs(raw: bytes) -> list[tuple[str, str]] | None:
    """``a=1&b=2`` as text pairs; None when the bytes are not UTF-8 (refused like a control character)."""
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None


def query_problem(query: bytes) -> Problem | None:
    pairs = _decoded_pairs(query)
    if pairs is None:
        return Problem("query", "")
    return pairs_problem(pairs, "query", PARAMETER_REFUSED)


def path_problem(path: str, params: dict[str, Any]) -> Problem | None:
    """The path parameter holding a refused character (``path`` when none of them does)."""
    if not PARAMETER_REFUSED.search(path):
        return None
    named = pairs_problem(((k, str(v)) for k, v in params.items()), "path", PARAMETER_REFUSED)
    return named or Problem("path", "path")


def multipart_problem(body: bytes, boundary: bytes) -> Problem | None:
    """The first text field of a multipart form the policy refuses (files are left to the upload checks)."""
    # No ``with``: leaving the parser before the end of the body is no error here.
    parser = PushMultipartParser(boundary)
    segment: MultipartSegment | None = None
    data = bytearray()
    try:
        for part in parser.parse(body):
            if isinstance(part, MultipartSegment):
                segment, data = part, bytearray()
            elif part:
                if segment is not None and not segment.filename:
                    data.extend(part)
            elif segment is not None and not segment.filename:
                try:
                    text = data.decode(segment.charset or "utf-8")
                except (UnicodeDecodeError, LookupError):
                    return Problem("body", segment.name)
                if TEXT_REFUSED.search(text) or TEXT_REFUSED.search(segment.name):
                    return Problem("body", segment.name)
    except ParserError:
        return None  # the framework's own parser refuses it
    return None


def _plainly_clean(body: bytes) -> bool:
    """Whether a JSON body passes without being decoded (most do): with no backslash, every string in
    it is a stretch of the text as sent, so text free of refused characters has no string holding one;
    and it cannot nest deeper than it has brackets."""
    if b"\\" in body or body.count(b"{") + body.count(b"[") > MAX_JSON_DEPTH:
        return False
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return TEXT_REFUSED.search(text) is None


def body_problem(body: bytes, content_type: str) -> Problem | None:
    """The body's first refused field by its content type (JSON is tried for any other type)."""
    kind, _, options = content_type.partition(";")
    kind = kind.strip().lower()
    if kind == "application/x-www-form-urlencoded":
        pairs = _decoded_pairs(body)
        return Problem("body", "") if pairs is None else pairs_problem(pairs, "body", TEXT_REFUSED)
    if kind == "multipart/form-data":
        boundary = re.search(r'boundary="?([^";]+)"?', options)
        return multipart_problem(body, boundary.group(1).encode("latin-1")) if boundary else None
    if body.lstrip()[:1] not in (b"{", b"["):
        return None
    if _plainly_clean(body):
        return None
    try:
        decoded = json.loads(body)
    except RecursionError as exc:
        raise TooDeep from exc
    except ValueError:
        return None  # not JSON: the handler's decoder says so
    return json_problem(decoded)


def _refuse(problem: Problem) -> ValidationException:
    item = {"key": problem.key, "source": problem.source, "message": CONTROL_MESSAGE}
    return ValidationException(detail=CONTROL_MESSAGE, extra=[item])


def input_policy_middleware(app: ASGIApp) -> ASGIApp:
    """Refuse a request breaking the policy (module docstring) before its handler runs."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        problem = path_problem(scope.get("path", ""), scope.get("path_params") or {}) or query_problem(
            scope.get("query_string", b"")
        )
        if problem:
            raise _refuse(problem)
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await app(scope, receive, send)
            return
        chunks: list[ReceiveMessage] = []
        size, complete = 0, False
        while not complete and size <= MAX_CHECKED_BODY:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            complete = not message.get("more_body", False)
        if complete:
            headers = dict(scope.get("headers", []))
            body = b"".join(m.get("body", b"") for m in chunks if m["type"] == "http.request")
            try:
                problem = body_problem(body, headers.get(b"content-type", b"").decode("latin-1"))
            except TooDeep:
                raise ClientException(detail=DEEP_MESSAGE) from None
            if problem:
                raise _refuse(problem)

        async def replay() -> ReceiveMessage:
            if chunks:
                return chunks.pop(0)
            return await receive()

        await app(scope, replay, send)

    return middleware


__all__ = [
    "CONTROL_MESSAGE",
    "DEEP_MESSAGE",
    "MAX_JSON_DEPTH",
    "Problem",
    "TooDeep",
    "body_problem",
    "input_policy_middleware",
    "json_problem",
    "multipart_problem",
    "pairs_problem",
    "path_problem",
    "query_problem",
]
