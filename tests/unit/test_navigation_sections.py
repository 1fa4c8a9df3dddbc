"""Which sections each role is offered: the home cards and the shared staff navigation (pure rules)."""

from __future__ import annotations

import pytest

from minsheng.web.navigation import SECTIONS, areas_for, sections_for, staff_navigation


def keys(roles: list[str], **kwargs: bool) -> set[str]:
    return {s.key for s in sections_for(roles, **kwargs)}


def test_a_deputy_gets_the_phone_duties_and_the_following_pages_but_not_the_office_or_oversight() -> None:
    deputy = keys(["deputy"])
    assert {"vote", "rate", "implementation", "plan"} <= deputy
    assert not deputy & {"inbox", "pool", "oversight", "sessions", "plan_edit", "documents"}


def test_the_government_screens_and_oversees_but_runs_no_congress() -> None:
    government = keys(["government"])
    assert {"inbox", "pool", "oversight", "implementation"} <= government
    assert not government & {"sessions", "rounds", "roster", "plan_edit", "vote"}


def test_a_teller_has_only_the_paper_ballot_entry_and_its_navigation_link() -> None:
    assert keys(["teller"]) == {"paper_ballots"}
    assert [(area.key, section.key) for area, section in staff_navigation(["teller"])] == [
        ("congress", "paper_ballots")
    ]
    assert "paper_ballots" not in keys(["tenant_admin", "presidium", "government", "deputy"])
    assert staff_navigation(["deputy"]) == []  # phone pages keep their plain layout


def test_roles_add_up_and_an_operator_sees_everything() -> None:
    assert keys(["deputy", "government"]) == keys(["deputy"]) | keys(["government"])
    assert keys([], platform_admin=True) == {s.key for s in SECTIONS}
    assert keys([]) == set()


@pytest.mark.parametrize("roles", [["tenant_admin"], ["presidium"], ["government"], ["government", "deputy"]])
def test_the_staff_navigation_has_one_link_per_area_to_a_section_the_member_may_open(roles: list[str]) -> None:
    items = staff_navigation(roles)
    assert [area.key for area, _section in items] == [area.key for area, _sections in areas_for(roles)]
    allowed = keys(roles)
    assert all(section.key in allowed and section.area == area.key for area, section in items)


def test_section_paths_are_unique_and_below_the_tenant() -> None:
    paths = [s.path for s in SECTIONS]
    assert len(paths) == len(set(paths))
    assert all(s.href("town-a").startswith("/t/town-a/") for s in SECTIONS)


def test_a_deputys_home_starts_with_the_vote_and_staff_homes_with_the_suggestions() -> None:
    assert areas_for(["deputy"])[0][0].key == "deputy"
    assert areas_for(["presidium", "deputy"])[0][0].key == "collection"
