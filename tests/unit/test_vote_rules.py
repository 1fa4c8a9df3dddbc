"""The vote's pure rules as a 票决办法 writes them: 多选作废 on yes/no/abstain (and its setting), a
candidate named once, the phone's warning before sending, idempotency keys that name nobody, and what
the audit chain keeps of a project's change."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from minsheng.congress.hall.reading import CandidateLine
from minsheng.congress.voting.phone_pages import yes_limit
from minsheng.congress.voting.rules import BallotKeyProblem, canonical_ballot
from minsheng.db.idempotency import checked_key, fingerprint_of, lookup_of
from minsheng.errors import InvalidInput
from minsheng.plugins.manager import MinshengPluginManager
from minsheng.plugins.rules.ballot_formats import YES_NO_ABSTAIN, yes_no_abstain
from minsheng.projects.rules import audited_changes, changed_fields

CANDIDATES = ("a", "b", "c", "d")


def _ballot(yes: int) -> dict[str, str]:
    return {c: "yes" if n < yes else "no" for n, c in enumerate(CANDIDATES)}


@pytest.mark.parametrize(("yes", "valid"), [(0, True), (2, True), (3, False), (4, False)])
def test_more_yes_than_seats_makes_the_ballot_invalid(yes: int, valid: bool) -> None:
    reason = YES_NO_ABSTAIN.validate(_ballot(yes), CANDIDATES, 2)
    assert (reason is None) is valid
    if not valid:
        assert reason is not None and reason.params == {"yes": yes, "seats": 2}
        assert (
            reason.render() == f"{yes} candidates are marked yes, more than the 2 to be chosen: the ballot is invalid"
        )


def test_the_setting_turning_it_off_counts_every_yes() -> None:
    lenient = yes_no_abstain(yes_within_seats=False)
    assert lenient.validate(_ballot(4), CANDIDATES, 2) is None
    assert lenient.tally([_ballot(4)], CANDIDATES)["d"]["yes"] == 1
    # Either way a candidate left unmarked makes the ballot invalid, and the paper says so.
    for ballot_format in (YES_NO_ABSTAIN, lenient):
        reason = ballot_format.validate({"a": "yes", "b": "no", "c": "no"}, CANDIDATES, 2)
        assert reason is not None and reason.render() == "no choice is marked for candidate d"
        assert "unmarked" in ballot_format.paper_layout.instruction
    assert "{seats}" in YES_NO_ABSTAIN.paper_layout.instruction
    assert "{seats}" not in lenient.paper_layout.instruction


def test_the_default_plugins_setting_chooses_the_rule(manager: MinshengPluginManager, tenant) -> None:
    usual = manager.hooks_for(tenant(("county", None, {}))).ballot_formats()["yes_no_abstain"]
    assert usual.validate(_ballot(3), CANDIDATES, 2) is not None
    settings = {"minsheng.defaults": {"yes_within_seats": False}}
    off = manager.hooks_for(tenant(("county", None, settings))).ballot_formats()["yes_no_abstain"]
    assert off.validate(_ballot(3), CANDIDATES, 2) is None


IDS = [uuid.uuid4() for _ in range(3)]
KNOWN = [str(i) for i in IDS]


def test_a_candidate_in_another_letter_case_is_the_same_candidate() -> None:
    upper = {str(IDS[0]).upper(): "yes", KNOWN[1]: "no", KNOWN[2]: "abstain"}
    assert canonical_ballot(upper, KNOWN) == {KNOWN[0]: "yes", KNOWN[1]: "no", KNOWN[2]: "abstain"}
    assert canonical_ballot([KNOWN[2], str(IDS[0]).upper()], KNOWN) == sorted([KNOWN[0], KNOWN[2]])
    assert canonical_ballot([KNOWN[2], KNOWN[0]], KNOWN, ordered=True) == [KNOWN[2], KNOWN[0]]


@pytest.mark.parametrize(
    "ballot",
    [
        {KNOWN[0]: "yes", KNOWN[0].upper(): "no", KNOWN[1]: "no", KNOWN[2]: "no"},
        [KNOWN[0], KNOWN[0].upper()],
        {KNOWN[0]: "yes", KNOWN[1]: "no", KNOWN[2]: "no", str(uuid.uuid4()): "yes"},
        [KNOWN[0], "not-a-project"],
    ],
)
def test_a_candidate_named_twice_or_a_stranger_is_refused_never_dropped(ballot: object) -> None:
    with pytest.raises(BallotKeyProblem) as refused:
        canonical_ballot(ballot, KNOWN)
    assert refused.value.reason.params["candidate"]


def test_the_phone_knows_when_one_yes_too_many_makes_the_ballot_invalid() -> None:
    lines = [CandidateLine(i, f"项目{n}") for n, i in enumerate(IDS)]
    limit = yes_limit(YES_NO_ABSTAIN, lines, 1)
    assert limit is not None and limit.params == {"yes": 2, "seats": 1}
    assert yes_limit(yes_no_abstain(yes_within_seats=False), lines, 1) is None
    assert yes_limit(YES_NO_ABSTAIN, lines, 3) is None, "as many seats as candidates: every yes is allowed"


def test_an_idempotency_key_names_nobody_without_the_key() -> None:
    first = lookup_of("round:1", "deputy-a", "k" * 20)
    assert first == lookup_of("round:1", "deputy-a", "k" * 20)
    assert len({first, lookup_of("round:1", "deputy-b", "k" * 20), lookup_of("round:2", "deputy-a", "k" * 20)}) == 3
    assert "deputy-a" not in first
    ballot = {"a": "yes"}
    assert fingerprint_of(first, ballot) == fingerprint_of(first, dict(ballot))
    assert fingerprint_of(first, ballot) != fingerprint_of(first, {"a": "no"})


@pytest.mark.parametrize(
    ("key", "accepted"), [("x" * 15, False), ("x" * 16, True), ("x" * 255, True), ("x" * 256, False)]
)
def test_idempotency_keys_are_long_enough_to_be_unguessable(key: str, accepted: bool) -> None:
    if accepted:
        assert checked_key(key) == key
    else:
        with pytest.raises(InvalidInput):
            checked_key(key)
    assert checked_key(None) is None


def test_the_audit_chain_keeps_each_changed_fields_old_and_new_value() -> None:
    project = SimpleNamespace(title="道路", budget=Decimal("100.00"), deadline=date(2026, 12, 31), year=2026)
    changed = changed_fields(project, {"title": "道路", "budget": Decimal("150.00"), "deadline": date(2027, 6, 30)})
    assert set(changed) == {"budget", "deadline"}
    assert audited_changes(changed) == {
        "budget": {"old": "100.00", "new": "150.00"},
        "deadline": {"old": "2026-12-31", "new": "2027-06-30"},
    }
