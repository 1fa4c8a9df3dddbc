"""The ``Idempotency-Key`` request header, for routes whose retries must get the first answer again
(a ballot, a rating): ``key: IdempotencyKeyHeader = None`` in the handler, then
``minsheng.db.idempotency`` with ``checked_key(key)``."""

from __future__ import annotations

from typing import Annotated

from litestar.params import HeaderParameter

from minsheng.db.idempotency import HEADER, MAX_KEY_LENGTH, MIN_KEY_LENGTH

IdempotencyKeyHeader = Annotated[
    str | None,
    HeaderParameter(
        name=HEADER,
        required=False,
        description=(
            f"A random value ({MIN_KEY_LENGTH} to {MAX_KEY_LENGTH} characters, e.g. a UUID) the client keeps for"
            " this request: a retry with the same key gets the first answer again; another request under"
            " the same key is refused (409)."
        ),
    ),
]
