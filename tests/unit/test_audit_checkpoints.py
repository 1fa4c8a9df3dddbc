"""The checkpoint rule without a database: a chain must reach every signed checkpoint, unchanged."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from minsheng.audit.chain import GENESIS, canonical_bytes, check_checkpoints, verify_chain
from minsheng.audit.services import sha256_hex
from minsheng.audit.signing import CheckpointSigner, signature_is_valid


def chain(length: int) -> list[dict[str, Any]]:
    events, previous = [], GENESIS
    for seq in range(1, length + 1):
        event = {
            "seq": seq,
            "occurred_at": f"2027-01-01T00:00:0{seq % 10}.000000Z",
            "actor": "clerk",
            "action": "project.created",
            "subject": f"p{seq}",
            "payload": {},
            "algorithm": "sha256",
            "prev_digest": previous,
        }
        event["digest"] = previous = sha256_hex(canonical_bytes(event))
        events.append(event)
    return events


SIGNER = CheckpointSigner(Ed25519PrivateKey.generate())


def signed(events: list[dict[str, Any]], seq: int) -> dict[str, Any]:
    point = {"format": "minsheng-checkpoint/1", "seq": seq, "head": events[seq - 1]["digest"], "key_id": SIGNER.key_id}
    point["signature"] = SIGNER.sign(point)
    return point


def trusted(point: Any) -> bool:
    return signature_is_valid(dict(point), SIGNER.public)


def test_a_chain_reaching_its_checkpoint_exactly_at_its_end_holds() -> None:
    events = chain(5)
    assert check_checkpoints(events, [signed(events, 5)], trusted) is None
    assert check_checkpoints(events, [signed(events, 1), signed(events, 3)], trusted) is None


def test_one_event_cut_below_a_checkpoint_is_found_and_the_chain_alone_does_not_see_it() -> None:
    events = chain(5)
    point = signed(events, 5)
    assert verify_chain(events[:4], {"sha256": sha256_hex}) is None
    broken = check_checkpoints(events[:4], [point], trusted)
    assert broken is not None and broken.seq == 5 and "ends at event 4" in broken.reason


def test_a_recomputed_suffix_differs_from_the_signed_head() -> None:
    events = chain(5)
    point = signed(events, 4)
    forged = [dict(e) for e in events]
    forged[1]["subject"] = "changed"
    previous = forged[0]["digest"]
    for event in forged[1:]:
        event["prev_digest"] = previous
        event["digest"] = previous = sha256_hex(canonical_bytes(event))
    assert verify_chain(forged, {"sha256": sha256_hex}) is None
    broken = check_checkpoints(forged, [point], trusted)
    assert broken is not None and broken.seq == 4 and "differs" in broken.reason


def test_a_changed_checkpoint_or_one_of_another_key_is_not_authentic() -> None:
    events = chain(3)
    point = signed(events, 3)
    assert check_checkpoints(events, [{**point, "seq": 2, "head": events[1]["digest"]}], trusted) is not None
    other = CheckpointSigner(Ed25519PrivateKey.generate())
    foreign = {**point, "key_id": other.key_id}
    foreign["signature"] = other.sign(foreign)
    broken = check_checkpoints(events, [foreign], trusted)
    assert broken is not None and "trusted key" in broken.reason
