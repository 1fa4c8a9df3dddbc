"""Pure functions of the vote beyond the plugin rules: a ballot's canonical form, hash and receipt,
and the ordering of a result. No I/O, so an offline verifier can import them unchanged.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from minsheng.plugins.verdicts import Reason

RECEIPT_LENGTH = 12


class BallotKeyProblem(ValueError):
    """A ballot that names a candidate twice or a project that is not a candidate: no ballot was meant
    that way, so it is refused (422), never counted and never trimmed."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.render())
        self.reason = reason


def candidate_key(value: object) -> object:
    """A candidate named in a ballot, spelled as the round stores it: a canonical UUID string (an
    upper-case spelling names the same project); anything else is left as it is."""
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return value
    return value


def _keys(named: Sequence[object], candidates: Sequence[str]) -> list[object]:
    known = set(candidates)
    seen: set[object] = set()
    spelled = []
    for item in named:
        key = candidate_key(item)
        if key in seen:
            raise BallotKeyProblem(Reason("candidate {candidate} is named twice in the ballot", {"candidate": item}))
        if isinstance(key, str) and key not in known:
            raise BallotKeyProblem(Reason("{candidate} is not a candidate of this round", {"candidate": item}))
        seen.add(key)
        spelled.append(key)
    return spelled


def canonical_ballot(content: Any, candidates: Sequence[str], *, ordered: bool = False) -> Any:
    """A ballot in its one spelling, its candidates checked: each named once and each a candidate of
    the round (else :class:`BallotKeyProblem`). A mapping keeps its choices under canonical keys; a
    list is sorted unless its format is ``ordered`` (:func:`canonical_content`). The format still
    decides whether the marks make a valid ballot."""
    if isinstance(content, dict):
        keys = _keys(list(content), candidates)
        return {str(key): choice for key, choice in zip(keys, content.values(), strict=True)}
    if isinstance(content, list):
        return canonical_content(_keys(content, candidates), ordered=ordered)
    return content


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


def new_receipt() -> str:
    """A receipt for the deputy: 12 random hex digits, drawn apart from the ballot and its content.

    It proves that the ballot was counted (it is in the closed round's list of receipts), never what
    the ballot said: nothing computes it from the content, and the published receipts and contents
    are two separate sorted lists (platform/docs/threat-model.md).
    """
    return secrets.token_hex(RECEIPT_LENGTH // 2)


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
