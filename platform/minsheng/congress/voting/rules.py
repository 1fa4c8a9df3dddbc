"""Pure functions of the vote beyond the plugin rules: a ballot's canonical form, hash and receipt,
and the ordering of a result. No I/O, so an offline verifier can import them unchanged.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

RECEIPT_LENGTH = 12


def canonical_content(content: Any, *, ordered: bool = False) -> Any:
    """One spelling per ballot: a selection is sorted, so the order of marking tells nothing.

    A list of an ``ordered`` format (a ranking) keeps its order: the order is the vote.
    """
    if isinstance(content, list | tuple) and ordered:
        return list(content)
    if isinstance(content, list | tuple):
        return sorted(content, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return content


def ballot_hash(ballot_id: uuid.UUID, content: Any) -> str:
    """SHA-256 over the ballot's random id and canonical content: what the audit chain records at close.

    The random id makes equal ballots hash differently, so a hash cannot be guessed from a vote.
    The content is hashed as stored: it was put in its one spelling on the way in
    (:func:`canonical_content`), so a ranking's order is bound by its hash as much as its marks are.
    """
    body = json.dumps(
        {"id": str(ballot_id), "content": content},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def receipt_code(ballot_id: uuid.UUID, content: Any) -> str:
    """The receipt shown to the deputy: the first 12 hex digits of the ballot's hash."""
    return ballot_hash(ballot_id, content)[:RECEIPT_LENGTH]


def electronic_ballot(choices: Mapping[str, str] | None, selected: Sequence[str] | None) -> Any:
    """The ballot in its format's shape from the API's two fields (``choices`` or ``selected``), or None."""
    if choices is not None and selected is None:
        return dict(choices)
    if selected is not None and choices is None:
        return list(selected)
    return None


def result_order(
    candidates: Sequence[str], tally: Mapping[str, Mapping[str, int]], ranks: Mapping[str, int]
) -> list[str]:
    """Candidates as the announcement lists them: chosen by rank, then the rest by approvals.

    Ties keep the order of the ballot paper, so the same figures always print the same way.
    """
    position = {candidate: index for index, candidate in enumerate(candidates)}

    def key(candidate: str) -> tuple[int, int, int, int]:
        rank = ranks.get(candidate)
        approvals = -tally.get(candidate, {}).get("yes", 0)
        return (0, rank, approvals, position[candidate]) if rank is not None else (1, 0, approvals, position[candidate])

    return sorted(candidates, key=key)
