"""Which sections each role is offered: the home cards and the shared staff navigation, read from the
permission table (pure rules)."""

from __future__ import annotations

import pytest

from minsheng.permissions import ANCESTOR_ADMIN, Permission, Role, permissions_of
from minsheng.web.navigation import SECTIONS, areas_for, sections_for, staff_navigation


def keys(roles: list[str], level: str = "county", *, operator: bool = False) -> set[str]:
    return {s.key for s in sections_for(permissions_of(roles, level, operator=operator))}


def test_a_deputy_gets_the_phone_duties_and_the_following_pages_but_not_the_office_or_oversight() -> None:
    deputy = keys(["deputy"])
    assert {"vote", "rate", "implementation", "plan"} <= deputy
    assert not deputy & {"inbox", "pool", "oversight", "sessions", "plan_edit", "documents", "users"}


def test_the_government_screens_and_follows_but_runs_no_congress() -> None:
    government = keys(["government"])
    assert {"inbox", "pool", "implementation", "commitments"} <= government
    assert not government & {"sessions", "rounds", "roster", "plan_edit", "vote", "users", "oversight"}


def test_a_teller_has_only_the_paper_ballot_entry_and_its_navigation_link() -> None:
    assert keys(["teller"]) == {"paper_ballots"}
    teller = permissions_of(["teller"], "county")
    assert [(area.key, section.key) for area, section in staff_navigation(teller)] == [("congress", "paper_ballots")]
    assert "paper_ballots" not in keys(["tenant_admin", "presidium", "government", "deputy"])
    assert staff_navigation(permissions_of(["deputy"], "county"))[0][0].key == "deputy"


def test_only_the_office_administrator_keeps_the_office_and_the_clerk_prepares() -> None:
    office = {"users", "invitations", "places", "negative_list", "settings"}
    assert office <= keys(["tenant_admin"])
    assert not keys(["clerk"]) & office
    assert keys(["clerk"]) == keys(["tenant_admin"]) - office
    assert {"users", "invitations"} == keys([ANCESTOR_ADMIN]), "a county's administrator keeps its townships' users"


def test_roles_add_up_and_the_operator_holds_no_office() -> None:
    assert keys(["deputy", "government"]) == keys(["deputy"]) | keys(["government"])
    operator = keys([], operator=True)
    assert {"oversight", "users", "settings"} <= operator
    assert not operator & {"vote", "rate", "sessions", "paper_ballots", "inbox"}
    assert keys([]) == set()


def test_a_township_presidium_also_edits_the_plan_as_the_standing_committee_would() -> None:
    assert "plan_edit" in keys(["presidium"], "township")
    assert "plan_edit" in keys(["standing_committee"], "county")
    assert Permission.SUPERVISION_PLANS_ADOPT not in permissions_of(["presidium"], "county")


@pytest.mark.parametrize("roles", [["tenant_admin"], ["presidium"], ["government"], ["government", "deputy"]])
def test_the_staff_navigation_has_one_link_per_area_to_a_section_the_member_may_open(roles: list[str]) -> None:
    held = permissions_of(roles, "county")
    items = staff_navigation(held)
    assert [area.key for area, _section in items] == [area.key for area, _sections in areas_for(held)]
    allowed = keys(roles)
    assert all(section.key in allowed and section.area == area.key for area, section in items)


def test_section_paths_are_unique_below_the_tenant_and_every_role_opens_some() -> None:
    paths = [s.path for s in SECTIONS]
    assert len(paths) == len(set(paths))
    assert all(s.href("town-a").startswith("/t/town-a/") for s in SECTIONS)
    assert all(keys([role.value]) for role in Role)


def test_a_deputys_home_starts_with_the_vote_and_staff_homes_with_the_suggestions() -> None:
    assert areas_for(permissions_of(["deputy"], "county"))[0][0].key == "deputy"
    assert areas_for(permissions_of(["presidium", "deputy"], "county"))[0][0].key == "collection"
