"""Pure functions of the hash chain: canonical form, digest, verification. No I/O."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

DigestFunction = Callable[[bytes], str]


def canonical_time(moment: datetime) -> str:
    """UTC with microseconds and a Z: one spelling per instant."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(event: Mapping[str, Any]) -> bytes:
    """The bytes an event's digest is computed over: every field but the digest itself."""
    body = {
        "seq": event["seq"],
        "occurred_at": event["occurred_at"],
        "actor": event["actor"],
        "action": event["action"],
        "subject": event["subject"],
        "payload": event["payload"],
        "algorithm": event["algorithm"],
        "prev_digest": event["prev_digest"],
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class ChainBreak:
    """The first event whose digest or link does not hold."""

    seq: int
    reason: str


def verify_chain(events: Iterable[Mapping[str, Any]], algorithms: Mapping[str, DigestFunction]) -> ChainBreak | None:
    """Recompute every digest in order; return the first broken link, or None when the chain holds.

    Each event names its own algorithm, so a chain that switched algorithms (e.g. SHA-256 to SM3)
    verifies across the switch without rewriting the older segment.
    """
    expected_seq = 1
    previous = GENESIS
    for event in events:
        seq = int(event["seq"])
        if seq != expected_seq:
            return ChainBreak(expected_seq, f"event {expected_seq} is missing (found {seq})")
        if event["prev_digest"] != previous:
            return ChainBreak(seq, "its link to the previous event does not match")
        digest = algorithms.get(event["algorithm"])
        if digest is None:
            return ChainBreak(seq, f"unknown digest algorithm {event['algorithm']}")
        if digest(canonical_bytes(event)) != event["digest"]:
            return ChainBreak(seq, "its content does not match its digest")
        previous = event["digest"]
        expected_seq += 1
    return None


def check_checkpoints(
    events: Iterable[Mapping[str, Any]],
    checkpoints: Iterable[Mapping[str, Any]],
    is_authentic: Callable[[Mapping[str, Any]], bool],
) -> ChainBreak | None:
    """Whether the chain still reaches every checkpoint, unchanged; the first one it fails, or None.

    A checkpoint (``audit/signing.py``) holds the head digest at its ``seq``. The chain fails it when it
    ends before ``seq`` (events deleted from its end) or when its event ``seq`` has another digest (an
    event changed and the digests after it recomputed: the chain is consistent again, but not with
    what was signed). ``is_authentic`` checks a checkpoint's signature against a trusted key; an
    unauthentic checkpoint fails the chain too, since it proves nothing.
    """
    by_seq = {int(event["seq"]): event for event in events}
    last = max(by_seq, default=0)
    for point in sorted(checkpoints, key=lambda p: int(p["seq"])):
        seq = int(point["seq"])
        if not is_authentic(point):
            return ChainBreak(seq, "the checkpoint's signature does not verify with a trusted key")
        if seq > last:
            return ChainBreak(seq, f"the chain ends at event {last}, before the signed checkpoint at event {seq}")
        if by_seq[seq]["digest"] != point["head"]:
            return ChainBreak(seq, "the event differs from the one the checkpoint signed")
    return None
