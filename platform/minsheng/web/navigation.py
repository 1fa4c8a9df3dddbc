"""Where a signed-in user can go: the sections of a tenant's pages, by the roles that may open them.

One table (``SECTIONS``) feeds the tenant's home cards and the staff navigation shared by every staff
layout, so the two never disagree with the pages' own ``access.require(...)`` checks. Pure functions of
plain data; the request-bound part (which roles the caller holds here) is read from the request's state,
where ``provide_tenant_access`` leaves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.connection import ASGIConnection

from minsheng.web.i18n import msgid

TENANT_ADMIN, PRESIDIUM, DEPUTY, TELLER, GOVERNMENT = "tenant_admin", "presidium", "deputy", "teller", "government"
# The roles of each kind of page, as the pages themselves check them.
OFFICE = (TENANT_ADMIN, PRESIDIUM, GOVERNMENT)  # suggestions, pool, candidates, documents, oversight
ROUND_MANAGERS = (TENANT_ADMIN, PRESIDIUM)  # congress sessions, rounds, supervision plan
FOLLOWERS = (TENANT_ADMIN, PRESIDIUM, GOVERNMENT, DEPUTY)  # implementation and supervision
STAFF_ROLES = frozenset(OFFICE)
#: Where a tenant's staff pages keep the roles of the request's caller (see ``remember_roles``).
STATE_KEY = "tenant_roles"


@dataclass(frozen=True)
class Area:
    """A group of sections on the home page and one item of the staff navigation."""

    key: str
    label: str


@dataclass(frozen=True)
class Section:
    """One page a member can open: its path below ``/t/{slug}``, name, one-line explanation, roles."""

    key: str
    area: str
    path: str
    label: str
    description: str
    roles: tuple[str, ...]
    phone: bool = False

    def href(self, slug: str) -> str:
        return f"/t/{slug}{self.path}"


AREAS = (
    Area("collection", msgid("Suggestions and projects")),
    Area("congress", msgid("Congress and vote")),
    Area("implementation", msgid("Implementation")),
    Area("supervision", msgid("Supervision")),
    Area("oversight", msgid("Oversight")),
    Area("deputy", msgid("My duties as a deputy")),
)

SECTIONS = (
    Section(
        "inbox", "collection", "/staff/suggestions", msgid("Suggestion inbox"),
        msgid("Read, merge or decline the citizens' suggestions"), OFFICE,
    ),
    Section(
        "paper", "collection", "/staff/paper", msgid("Enter paper suggestions"),
        msgid("Type in suggestions handed in on paper"), OFFICE,
    ),
    Section(
        "coverage", "collection", "/staff/coverage", msgid("Coverage"),
        msgid("Which villages and groups have made suggestions"), OFFICE,
    ),
    Section(
        "pool", "collection", "/staff/projects", msgid("Project pool"),
        msgid("Draft projects from suggestions and screen them"), OFFICE,
    ),
    Section(
        "candidates", "collection", "/staff/candidates", msgid("Candidate list"),
        msgid("The year's candidate projects put to the vote"), OFFICE,
    ),
    Section(
        "documents", "collection", "/staff/documents", msgid("Documents"),
        msgid("Generate notices, ballot papers and reports"), OFFICE,
    ),
    Section(
        "sessions", "congress", "/congress", msgid("Congress sessions"),
        msgid("Sessions, agenda, check-in, voting rounds and the big screen"), ROUND_MANAGERS,
    ),
    Section(
        "rounds", "congress", "/congress/new-round", msgid("Create a voting round"),
        msgid("Put candidate projects to the vote, checking the margin rule"), ROUND_MANAGERS,
    ),
    Section(
        "roster", "congress", "/congress/roster", msgid("Roster of deputies"),
        msgid("The deputies entitled to vote; import and export in Excel"), ROUND_MANAGERS,
    ),
    Section(
        "paper_ballots", "congress", "/paper-ballots", msgid("Enter paper ballots"),
        msgid("Type in the paper ballots of an open round; two tellers compare their entries"), (TELLER,),
    ),
    Section(
        "implementation", "implementation", "/implementation", msgid("Implementation"),
        msgid("Work plans, progress reports and adjustments of the chosen projects"), FOLLOWERS,
    ),
    Section(
        "plan", "supervision", "/supervision/plan", msgid("Supervision plan"),
        msgid("Who supervises which project, and the methods still missing"), FOLLOWERS,
    ),
    Section(
        "plan_edit", "supervision", "/supervision/plan/edit", msgid("Edit the supervision plan"),
        msgid("Assign a presidium member or a group of deputies to each project"), ROUND_MANAGERS,
    ),
    Section(
        "evaluations", "supervision", "/supervision/evaluations", msgid("Satisfaction evaluations"),
        msgid("Open and close the deputies' satisfaction evaluations"), FOLLOWERS,
    ),
    Section(
        "inquiries", "supervision", "/supervision/inquiries", msgid("Special inquiries"),
        msgid("Questions to the government and its answers"), FOLLOWERS,
    ),
    Section(
        "commitments", "supervision", "/supervision/commitments", msgid("Commitments"),
        msgid("What the government promised, until it is done"), FOLLOWERS,
    ),
    Section(
        "oversight", "oversight", "/oversight", msgid("Oversight"),
        msgid("Figures and charts of this congress and the levels below"), OFFICE,
    ),
    Section(
        "vote", "deputy", "/vote", msgid("Vote"),
        msgid("Vote on your phone when a round is open"), (DEPUTY,), phone=True,
    ),
    Section(
        "rate", "deputy", "/evaluations", msgid("Rate the projects"),
        msgid("Give your satisfaction with the projects being evaluated"), (DEPUTY,), phone=True,
    ),
)  # fmt: skip

PUBLIC_SECTIONS = (
    Section(
        "suggest", "public", "/suggest", msgid("Make a suggestion"),
        msgid("Anyone can propose a livelihood project"), (),
    ),
    Section(
        "portal", "public", "/portal", msgid("Livelihood projects"),
        msgid("The projects the deputies chose, their progress, photos and notices"), (),
    ),
)  # fmt: skip


def sections_for(roles: Iterable[str], *, platform_admin: bool = False) -> list[Section]:
    """The sections a member holding ``roles`` may open (a platform operator may open every one)."""
    held = set(roles)
    return [s for s in SECTIONS if platform_admin or held.intersection(s.roles)]


def areas_for(roles: Iterable[str], *, platform_admin: bool = False) -> list[tuple[Area, list[Section]]]:
    """The home page's groups: each area with the sections of it the member may open, empty ones left out."""
    held = set(roles)
    visible = sections_for(held, platform_admin=platform_admin)
    grouped = [(area, [s for s in visible if s.area == area.key]) for area in AREAS]
    if not held.intersection(STAFF_ROLES):
        # A deputy's phone duties (vote, rate) come first: that is what a deputy opens the home for.
        grouped.sort(key=lambda pair: pair[0].key != "deputy")
    return [(area, sections) for area, sections in grouped if sections]


def staff_navigation(roles: Iterable[str], *, platform_admin: bool = False) -> list[tuple[Area, Section]]:
    """The shared staff navigation: one link per area, to its first section the member may open.

    Only for staff (the office, presidium, government, tellers at their desktop entry, or an operator);
    deputies keep their plain phone pages with the way home in the site's navigation.
    """
    held = set(roles)
    if not platform_admin and not held.intersection(STAFF_ROLES | {TELLER}):
        return []
    return [(area, sections[0]) for area, sections in areas_for(held, platform_admin=platform_admin)]


def remember_roles(connection: ASGIConnection[Any, Any, Any, Any], slug: str, roles: Iterable[str]) -> None:
    """Keep the caller's roles in ``slug`` in the request's state, for the layout's navigation."""
    known = connection.state.get(STATE_KEY)
    if not isinstance(known, dict):
        known = {}
        connection.state[STATE_KEY] = known
    known[slug] = frozenset(roles)


def _roles_of_request(context: Context, slug: str) -> frozenset[str] | None:
    request = context.get("request")
    if not isinstance(request, ASGIConnection):
        return None
    known = request.state.get(STATE_KEY)
    if not isinstance(known, dict):
        return None
    roles = known.get(slug)
    return roles if isinstance(roles, frozenset) else None


@pass_context
def page_navigation(context: Context) -> list[dict[str, Any]]:
    """For templates: the staff navigation of the page's ``tenant`` for the page's ``user``, each item
    ``{href, label, current}``; empty when the page is not a member's page of a tenant."""
    tenant, user = context.get("tenant"), context.get("user")
    slug = getattr(tenant, "slug", None)
    if not isinstance(slug, str) or user is None:
        return []
    roles = _roles_of_request(context, slug)
    platform_admin = bool(getattr(user, "is_platform_admin", False))
    if roles is None and not platform_admin:
        return []
    request = context.get("request")
    here = request.url.path if isinstance(request, ASGIConnection) else ""
    items = []
    for area, section in staff_navigation(roles or (), platform_admin=platform_admin):
        prefixes = [s.href(slug) for s in SECTIONS if s.area == area.key]
        current = any(here == p or here.startswith(p + "/") for p in prefixes)
        items.append({"href": section.href(slug), "label": area.label, "current": current})
    return items


@pass_context
def may_open(context: Context, section_key: str) -> bool:
    """For templates: whether the page's ``user`` may open the section ``section_key`` of the page's tenant."""
    tenant, user = context.get("tenant"), context.get("user")
    slug = getattr(tenant, "slug", None)
    if not isinstance(slug, str) or user is None:
        return False
    platform_admin = bool(getattr(user, "is_platform_admin", False))
    roles = _roles_of_request(context, slug) or frozenset()
    return any(s.key == section_key for s in sections_for(roles, platform_admin=platform_admin))
