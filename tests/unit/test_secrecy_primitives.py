"""Sealing, key custody and the scrutineers' shares, without a database."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from minsheng.secrecy import shares
from minsheng.secrecy.custody import KeyDestroyed, PlatformCustody
from minsheng.secrecy.keeping import open_all
from minsheng.secrecy.sealing import RoundKeys, SealBroken, open_many, open_sealed, seal
from minsheng.storage.local import LocalObjectStore


def test_a_sealed_choice_opens_with_its_round_key_only() -> None:
    keys, other = RoundKeys.generate(), RoundKeys.generate()
    content = {"6f1c": "yes", "a2b4": "abstain"}
    sealed = seal(keys.public, content)
    assert b"yes" not in sealed and b"6f1c" not in sealed
    assert open_sealed(keys.private, sealed) == content
    with pytest.raises(SealBroken):
        open_sealed(other.private, sealed)
    with pytest.raises(SealBroken):
        open_sealed(keys.private, sealed[:-1] + bytes([sealed[-1] ^ 1]))


def test_a_round_opens_all_its_boxes_in_order_or_none_when_one_is_foreign() -> None:
    keys, other = RoundKeys.generate(), RoundKeys.generate()
    contents = [[str(n)] for n in range(50)]
    boxes = [seal(keys.public, content) for content in contents]
    assert open_many(keys.private, boxes) == contents
    # The close's shuffle: the same contents, whatever the order.
    assert sorted(open_all(keys.private, boxes)) == sorted(contents)
    with pytest.raises(SealBroken):
        open_many(keys.private, [*boxes, seal(other.public, ["x"])])
    assert open_many(keys.private, []) == []


def test_two_seals_of_one_content_differ() -> None:
    # A ballot's sealed bytes must not tell equal ballots apart from different ones.
    keys = RoundKeys.generate()
    assert seal(keys.public, ["a"]) != seal(keys.public, ["a"])


async def test_a_destroyed_key_is_gone_for_whoever_holds_the_secret(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    custody = PlatformCustody(store, "secret-" * 6)
    tenant, round_id, keys = uuid.uuid4(), uuid.uuid4(), RoundKeys.generate()
    await custody.keep(tenant, round_id, keys.private)
    stored = (tmp_path / "ballot-keys" / str(tenant) / f"{round_id}.key").read_bytes()
    assert keys.private not in stored, "kept wrapped, never in clear"
    assert await custody.fetch(tenant, round_id) == keys.private
    with pytest.raises(KeyDestroyed):
        await PlatformCustody(store, "another-" * 6).fetch(tenant, round_id)
    await custody.destroy(tenant, round_id)
    with pytest.raises(KeyDestroyed):
        await custody.fetch(tenant, round_id)
    await custody.destroy(tenant, round_id)  # idempotent


@pytest.mark.parametrize(("needed", "holders"), [(1, 1), (2, 3), (3, 3), (3, 5)])
def test_any_needed_shares_rebuild_the_key_and_fewer_do_not(needed: int, holders: int) -> None:
    keys = RoundKeys.generate()
    parts = shares.split(keys.private, needed, holders)
    assert [p.number for p in parts] == list(range(1, holders + 1))
    assert shares.combine(parts[-needed:]) == keys.private
    assert shares.combine(parts[:needed]) == keys.private
    if needed > 1:
        assert shares.combine(parts[: needed - 1]) != keys.private


def test_a_share_reads_back_as_printed_and_forgives_what_people_mistype() -> None:
    part = shares.split(RoundKeys.generate().private, 2, 3)[1]
    printed = part.text()
    assert printed.startswith("2-")
    assert shares.parse_share(printed) == part
    assert shares.parse_share(" " + printed.lower().replace("0", "o").replace("1", "l") + " ") == part


def test_a_wrong_share_is_refused_with_the_number_it_claims() -> None:
    context = b"round-1"
    parts = shares.split(RoundKeys.generate().private, 2, 3)
    commitments = {p.number: shares.commitment(p, context) for p in parts}
    shares.check(parts[0], context, commitments)
    wrong = shares.Share(1, parts[1].value)
    with pytest.raises(shares.ShareInvalid, match="not share number 1"):
        shares.check(wrong, context, commitments)
    with pytest.raises(shares.ShareInvalid, match="no share number 4"):
        shares.check(shares.Share(4, parts[0].value), context, commitments)
    with pytest.raises(shares.ShareInvalid):
        shares.parse_share("2-ABCD")
