"""Pure rules of supervision, at their boundaries (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng.plugins.registries import FieldDefinition, SupervisionMethod
from minsheng.plugins.rules.catalogs import SUPERVISION_METHODS
from minsheng.plugins.rules.satisfaction import satisfaction_rule
from minsheng.supervision import rules

METHODS = {method.code: method for method in SUPERVISION_METHODS}


@pytest.mark.parametrize(
    ("counts", "members", "outcome", "rectify"),
    [
        ({"satisfied": 15, "unsatisfied": 14}, 29, "satisfied", False),
        ({"satisfied": 14, "basically_satisfied": 1}, 29, "basically_satisfied", False),
        ({"satisfied": 14, "unsatisfied": 15}, 29, "unsatisfied", True),
        ({"satisfied": 14}, 29, "unsatisfied", True),  # absent members count against, as abstentions do
        ({"satisfied": 15, "abstain": 15}, 30, "unsatisfied", True),  # exactly half is not more than half
        ({"satisfied": 16}, 30, "satisfied", False),
        ({"satisfied": 8, "basically_satisfied": 8}, 30, "basically_satisfied", False),
        ({"satisfied": 1}, 1, "satisfied", False),
        ({"abstain": 1}, 1, "unsatisfied", True),
    ],
)
def test_the_default_satisfaction_rule_at_its_boundaries(
    counts: dict[str, int], members: int, outcome: str, rectify: bool
) -> None:
    decided = satisfaction_rule(rules.zero_counts(counts), members)
    assert (decided.outcome, decided.rectification_required) == (outcome, rectify)


def test_counts_are_complete_and_ordered() -> None:
    assert rules.zero_counts({"abstain": 2}) == {
        "satisfied": 0,
        "basically_satisfied": 0,
        "unsatisfied": 0,
        "abstain": 2,
    }
    assert list(rules.zero_counts()) == list(rules.RATINGS)
    assert rules.public_counts(["satisfied", "unsatisfied", "satisfied"])["satisfied"] == 2


def test_a_record_is_checked_against_its_methods_fields() -> None:
    inspection = METHODS["inspection"]
    good = {"held_on": "2026-05-12", "places": ["东村"], "participants": ["代表"], "findings": "已完成"}
    assert rules.record_problems(inspection, good) == []
    problems = {p.key: p.reason for p in rules.record_problems(inspection, {**good, "held_on": "12 May", "x": 1})}
    assert set(problems) == {"fields.held_on", "fields.x"}
    assert problems["fields.held_on"].params["field"] == "Date held"
    missing = rules.record_problems(inspection, {"held_on": "2026-05-12"})
    assert {p.key for p in missing} == {"fields.places", "fields.participants", "fields.findings"}
    assert all(p.reason.message == "The field {field} is required" for p in missing)
    meeting = METHODS["quarterly_meeting"]
    base = {"held_on": "2026-04-01", "participants": ["主席团"]}
    assert rules.record_problems(meeting, {**base, "percent_done": 100}) == []
    assert [p.key for p in rules.record_problems(meeting, {**base, "percent_done": 101})] == ["fields.percent_done"]
    assert [p.key for p in rules.record_problems(meeting, {**base, "funds_spent": -1})] == ["fields.funds_spent"]


def test_required_methods_are_the_plugins_and_the_plans_and_done_once_recorded() -> None:
    methods = {
        **METHODS,
        "follow_up_review": SupervisionMethod("follow_up_review", "Follow-up review", required=True),
    }
    coverage = rules.method_coverage(methods, planned=["inspection"], recorded=[])
    assert coverage.required == ("inspection", "follow_up_review") and coverage.done == ()
    assert coverage.missing == coverage.required
    coverage = rules.method_coverage(methods, planned=["inspection", "inspection"], recorded=["inspection", "x"])
    assert (coverage.done, coverage.missing) == (("inspection",), ("follow_up_review",))
    # A plan may name a method the tenant no longer offers: it stays required, listed last.
    assert rules.method_coverage(METHODS, planned=["gone"], recorded=[]).missing == ("gone",)
    assert rules.method_coverage(METHODS, planned=[], recorded=[]).required == ()


@pytest.mark.parametrize(
    ("text", "file_given", "closes"),
    [
        (None, False, False),
        ("", False, False),
        ("  \n", False, False),
        ("已办结", False, True),
        (None, True, True),
        ("已办结", True, True),
    ],
)
def test_a_commitment_closes_only_with_evidence(text: str | None, file_given: bool, closes: bool) -> None:
    assert (rules.closing_evidence_problem(text, file_given) is None) is closes


@pytest.mark.parametrize(
    ("text", "file_given", "accepted"),
    [(None, False, False), (" ", False, False), ("已办结", False, True), (None, True, True)],
)
def test_evidence_is_a_description_or_a_file(text: str | None, file_given: bool, accepted: bool) -> None:
    assert (rules.evidence_problem(text, file_given) is None) is accepted


COMMITMENT, OTHER_COMMITMENT, PROJECT, OTHER_PROJECT = "c1", "c2", "p1", "p2"


@pytest.mark.parametrize(
    ("uses", "refusal"),
    [
        ([], None),  # a new file
        ([rules.FileUse(commitment_id=COMMITMENT)], None),  # already this commitment's evidence
        ([rules.FileUse(project_id=PROJECT)], None),  # a photo of this project's progress or inspection
        ([rules.FileUse(commitment_id=OTHER_COMMITMENT)], "The file {filename} is the evidence of another commitment"),
        ([rules.FileUse(project_id=OTHER_PROJECT)], "The file {filename} is about another project"),
        (
            [rules.FileUse(project_id=PROJECT), rules.FileUse(commitment_id=OTHER_COMMITMENT)],
            "The file {filename} is the evidence of another commitment",
        ),
    ],
)
def test_evidence_must_be_about_its_own_commitment(uses: list[rules.FileUse], refusal: str | None) -> None:
    found = rules.evidence_file_problem(COMMITMENT, PROJECT, uses)
    assert (found.message if found else None) == refusal


def test_the_rectification_deadline() -> None:
    assert rules.rectification_deadline(date(2026, 11, 28)) == date(2027, 2, 26)
    assert rules.rectification_deadline(date(2026, 12, 31), 1) == date(2027, 1, 1)
    with pytest.raises(ValueError):
        rules.rectification_deadline(date(2026, 1, 1), 0)


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("12800138000", None),  # no mainland mobile starts with 12
        ("1380013800", None),  # ten digits
        ("138001380000", None),  # twelve
        ("", None),
        ("phone", None),
    ],
)
def test_phone_numbers_are_normalised(raw: str, phone: str | None) -> None:
    assert rules.normalised_phone(raw) == phone


def test_phone_hashes_are_keyed_per_tenant_and_hide_the_number() -> None:
    one = rules.phone_hash("key", "tenant-a", "13800138000")
    assert one == rules.phone_hash("key", "tenant-a", "13800138000")
    assert one != rules.phone_hash("other key", "tenant-a", "13800138000")
    assert one != rules.phone_hash("key", "tenant-b", "13800138000")
    assert "13800138000" not in one and len(one) == 64
    assert rules.code_hash("key", "v1", "123456") != rules.code_hash("key", "v2", "123456")


def test_a_method_without_fields_takes_none() -> None:
    bare = SupervisionMethod("visit", "Visit", (FieldDefinition("note", "Note"),))
    assert rules.record_problems(bare, {}) == []
    assert [p.key for p in rules.record_problems(bare, {"note": 3})] == ["fields.note"]
