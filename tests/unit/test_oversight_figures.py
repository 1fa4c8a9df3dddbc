"""Oversight's pure rules: rates at their boundaries, adding figures up a tree, ancestry paths, when
a work plan is overdue, and where a tenant's effective configuration comes from."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from minsheng.admin.configuration_view import Level, provenance
from minsheng.admin.onboarding import CountyDraft, county_manifest
from minsheng.admin.tenants.manifest import parse_manifest
from minsheng.errors import InvalidInput
from minsheng.oversight.figures import Figures, ancestry_path, completion_rate, merge, satisfaction_rate
from minsheng.oversight.progress_sources import is_overdue


@pytest.mark.parametrize(
    ("completed", "chosen", "rate"),
    [(0, 0, None), (0, 1, 0.0), (1, 2, 0.5), (2, 2, 1.0), (3, 2, 1.0), (5, -1, None)],
)
def test_completion_rate_boundaries(completed: int, chosen: int, rate: float | None) -> None:
    assert completion_rate(completed, chosen) == rate


@pytest.mark.parametrize(
    ("satisfied", "basically", "evaluations", "rate"),
    [(0, 0, 0, None), (0, 0, 3, 0.0), (1, 1, 4, 0.5), (2, 1, 3, 1.0)],
)
def test_satisfaction_rate_counts_satisfied_and_basically_satisfied(
    satisfied: int, basically: int, evaluations: int, rate: float | None
) -> None:
    assert satisfaction_rate(satisfied, basically, evaluations) == rate


def test_a_subtree_adds_its_members_by_year_and_category_and_drops_empty_cells() -> None:
    town_a = {(2025, "health"): Figures(projects=2, chosen=1, funds=Decimal("10.50"))}
    town_b = {(2025, "health"): Figures(projects=1, funds=Decimal("0.50")), (2024, "education"): Figures()}
    total = merge([town_a, town_b])
    assert total == {(2025, "health"): Figures(projects=3, chosen=1, funds=Decimal("11.00"))}
    assert town_a[(2025, "health")].projects == 2, "the parts are not changed"


def test_the_ancestry_path_puts_every_id_between_slashes() -> None:
    ids = [uuid.UUID(int=1), uuid.UUID(int=2)]
    path = ancestry_path(ids)
    assert path == f"/{ids[0]}/{ids[1]}/"
    # The RLS policy looks for "/<id>/": one id is never found inside another.
    assert f"/{ids[1]}/" in path and "/1/" not in path


@pytest.mark.parametrize(
    ("today", "has_plan", "deadline", "finished", "overdue"),
    [
        (date(2026, 4, 10), False, None, False, False),  # the plan is due a month after the vote: on time
        (date(2026, 4, 11), False, None, False, True),  # the day after: overdue
        (date(2026, 4, 11), True, None, False, False),  # filed, no deadline yet
        (date(2026, 12, 31), True, date(2026, 12, 31), False, False),  # the deadline itself is on time
        (date(2027, 1, 1), True, date(2026, 12, 31), False, True),
        (date(2027, 1, 1), True, date(2026, 12, 31), True, False),  # finished: never overdue
        (date(2027, 1, 1), False, None, True, False),
    ],
)
def test_a_work_plan_is_overdue_the_day_after_it_was_due(
    today: date, has_plan: bool, deadline: date | None, finished: bool, overdue: bool
) -> None:
    vote_day = date(2026, 3, 10)
    assert is_overdue(today, vote_day, has_plan=has_plan, deadline=deadline, finished=finished) is overdue


def test_provenance_names_who_set_each_setting_and_what_it_overrides() -> None:
    chain = [
        Level("prov", ["henan"], {"minsheng.defaults": {"lower": "0.2", "upper": "0.5"}}),
        Level("county", None, {"minsheng.defaults": {"lower": "0.3"}}),
        Level("town", None, {}),
    ]
    effective = {"minsheng.defaults": {"lower": "0.3", "upper": "0.5", "equal": False}, "henan": {}}
    view = provenance(chain, ("minsheng.defaults", "henan"), effective)
    assert view.plugins_source == "prov"
    by_key = {s.key: s for s in view.settings}
    assert (by_key["lower"].source, by_key["lower"].overrides) == ("county", "prov")
    assert (by_key["upper"].source, by_key["upper"].overrides) == ("prov", None)
    assert by_key["equal"].source is None, "a value nobody set is the plugin's default"
    assert view.own_settings("town") == []


def test_frozen_settings_are_shown_as_plain_values() -> None:
    from types import MappingProxyType

    effective = {"p": {"list": ("a", "b"), "map": MappingProxyType({"k": ("v",)})}}
    view = provenance([Level("prov", None, {})], ("p",), effective)
    assert {s.key: s.value for s in view.settings} == {"list": ["a", "b"], "map": {"k": ["v"]}}


def test_the_wizard_writes_a_manifest_the_cli_would_read() -> None:
    draft = CountyDraft(
        slug="xian",
        name="某县",
        parent="city",
        townships="xian-a 甲镇\nxian-b，乙乡\n\n",
        admins="xian admin-x 张 三\nxian-a admin-a",
        plugins=["henan-baofeng"],
        settings='{"henan-baofeng": {"margin": 2}}',
    )
    text, invites = county_manifest(draft)
    tenants = parse_manifest(text)
    assert [(t.slug, t.name, t.level, t.parent) for t in tenants] == [
        ("xian", "某县", "county", "city"),
        ("xian-a", "甲镇", "township", "xian"),
        ("xian-b", "乙乡", "township", "xian"),
    ]
    assert tenants[0].plugins == ["henan-baofeng"] and tenants[1].plugins is None
    assert tenants[0].settings == {"henan-baofeng": {"margin": 2}}
    assert [(i.tenant, i.username, i.display_name) for i in invites] == [
        ("xian", "admin-x", "张 三"),
        ("xian-a", "admin-a", ""),
    ]


@pytest.mark.parametrize(
    ("townships", "admins", "settings"),
    [("", "", ""), ("xian-a", "", ""), ("xian-a 甲镇", "elsewhere admin", ""), ("xian-a 甲镇", "", "[1]")],
)
def test_the_wizard_refuses_incomplete_input(townships: str, admins: str, settings: str) -> None:
    draft = CountyDraft("xian", "某县", "city", townships, admins, None, settings)
    with pytest.raises(InvalidInput):
        county_manifest(draft)


@pytest.mark.parametrize(
    "body",
    [
        "tenants: [{slug: a, name: A, level: province, plugins: 3}]",
        "tenants: [{slug: a, name: A, level: province, settings: [1]}]",
        "tenants: [{slug: a, name: A, level: province, settings: {p: 1}}]",
        "tenants: [{slug: a, name: A, level: province, children: x}]",
        "tenants: [unclosed",
        "- just a list",
    ],
)
def test_an_uploaded_manifest_of_the_wrong_shape_is_refused_clearly(body: str) -> None:
    with pytest.raises(InvalidInput):
        parse_manifest(body)
