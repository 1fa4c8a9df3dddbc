"""Where a signed-in user can go: the sections of a tenant's pages, by the permission that opens them.

One table (``SECTIONS``) feeds the tenant's home cards and the staff navigation shared by every staff
layout. Each section names the :class:`~minsheng.permissions.Permission` its page declares, so a link
is shown exactly to those the page will serve; templates ask ``may("rounds.conduct")`` before showing
a button, reading the same permissions from the request's scope (``minsheng.http.scope``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.connection import ASGIConnection

from minsheng.http.scope import scope_of
from minsheng.i18n import msgid
from minsheng.permissions import Permission

P = Permission


@dataclass(frozen=True)
class Area:
    """A group of sections on the home page and one item of the staff navigation."""

    key: str
    label: str


@dataclass(frozen=True)
class Section:
    """One page a member can open: its path below ``/t/{slug}``, name, one-line explanation, and the
    permissions of which the caller needs one to open it (what the page's route declares)."""

    key: str
    area: str
    path: str
    label: str
    description: str
    permissions: tuple[Permission, ...]
    phone: bool = False

    def href(self, slug: str) -> str:
        return f"/t/{slug}{self.path}"

    def open_to(self, held: Iterable[Permission]) -> bool:
        return bool(set(self.permissions).intersection(held))


AREAS = (
    Area("collection", msgid("Suggestions and projects")),
    Area("congress", msgid("Congress and vote")),
    Area("implementation", msgid("Implementation")),
    Area("supervision", msgid("Supervision")),
    Area("oversight", msgid("Oversight")),
    Area("office", msgid("The office")),
    Area("deputy", msgid("My duties as a deputy")),
)

#: The areas of an office's desk work: a member with none of them is at home on the phone pages.
DESK_AREAS = frozenset({"collection", "congress", "office", "oversight"})

SECTIONS = (
    Section(
        "inbox", "collection", "/staff/suggestions", msgid("Suggestion inbox"),
        msgid("Read, merge or decline the citizens' suggestions"), (P.SUGGESTIONS_READ,),
    ),
    Section(
        "paper", "collection", "/staff/paper", msgid("Enter paper suggestions"),
        msgid("Type in suggestions handed in on paper"), (P.SUGGESTIONS_ENTER,),
    ),
    Section(
        "coverage", "collection", "/staff/coverage", msgid("Coverage"),
        msgid("Which villages and groups have made suggestions"), (P.SUGGESTIONS_READ,),
    ),
    Section(
        "pool", "collection", "/staff/projects", msgid("Project pool"),
        msgid("Draft projects from suggestions and screen them"), (P.PROJECTS_READ,),
    ),
    Section(
        "candidates", "collection", "/staff/candidates", msgid("Candidate list"),
        msgid("The year's candidate projects put to the vote"), (P.PROJECTS_READ,),
    ),
    Section(
        "documents", "collection", "/staff/documents", msgid("Documents"),
        msgid("Generate notices, ballot papers and reports"), (P.DOCUMENTS_ORDER,),
    ),
    Section(
        "sessions", "congress", "/congress", msgid("Congress sessions"),
        msgid("Sessions, agenda, check-in, voting rounds and the big screen"), (P.SESSIONS_MANAGE,),
    ),
    Section(
        "rounds", "congress", "/congress/new-round", msgid("Create a voting round"),
        msgid("Put candidate projects to the vote, checking the margin rule"), (P.ROUNDS_PREPARE,),
    ),
    Section(
        "roster", "congress", "/congress/roster", msgid("Roster of deputies"),
        msgid("The deputies entitled to vote; import and export in Excel"), (P.ROSTER_READ,),
    ),
    Section(
        "paper_ballots", "congress", "/paper-ballots", msgid("Enter paper ballots"),
        msgid("Type in the paper ballots of an open round; two tellers compare their entries"),
        (P.BALLOTS_ENTER_PAPER,),
    ),
    Section(
        "implementation", "implementation", "/implementation", msgid("Implementation"),
        msgid("Work plans, progress reports and adjustments of the chosen projects"), (P.IMPLEMENTATION_READ,),
    ),
    Section(
        "plan", "supervision", "/supervision/plan", msgid("Supervision plan"),
        msgid("Who supervises which project, and the methods still missing"), (P.SUPERVISION_READ,),
    ),
    Section(
        "plan_edit", "supervision", "/supervision/plan/edit", msgid("Edit the supervision plan"),
        msgid("Assign a presidium member or a group of deputies to each project"),
        (P.SUPERVISION_PLANS_PREPARE, P.SUPERVISION_PLANS_ADOPT),
    ),
    Section(
        "evaluations", "supervision", "/supervision/evaluations", msgid("Satisfaction evaluations"),
        msgid("Open and close the deputies' satisfaction evaluations"), (P.SUPERVISION_READ,),
    ),
    Section(
        "inquiries", "supervision", "/supervision/inquiries", msgid("Special inquiries"),
        msgid("Questions to the government and its answers"), (P.SUPERVISION_READ,),
    ),
    Section(
        "commitments", "supervision", "/supervision/commitments", msgid("Commitments"),
        msgid("What the government promised, until it is done"), (P.SUPERVISION_READ,),
    ),
    Section(
        "oversight", "oversight", "/oversight", msgid("Oversight"),
        msgid("Figures and charts of this congress and the levels below"), (P.OVERSIGHT_READ,),
    ),
    Section(
        "users", "office", "/office/users", msgid("Users and roles"),
        msgid("Add users, give roles, disable accounts, reset passwords with a one-time link"), (P.USERS_MANAGE,),
    ),
    Section(
        "invitations", "office", "/office/invitations", msgid("Invitations"),
        msgid("Invite a person with roles: they choose their own user name and password"), (P.USERS_MANAGE,),
    ),
    Section(
        "places", "office", "/office/places", msgid("Villages and communities"),
        msgid("The places collection must reach, for coverage and the QR posters"), (P.SETTINGS_MANAGE,),
    ),
    Section(
        "negative_list", "office", "/office/negative-list", msgid("Negative list"),
        msgid("What may never be a livelihood project"), (P.SETTINGS_MANAGE,),
    ),
    Section(
        "settings", "office", "/office/settings", msgid("Rules and settings"),
        msgid("The settings of the rules this congress follows"), (P.SETTINGS_MANAGE,),
    ),
    Section(
        "vote", "deputy", "/vote", msgid("Vote"),
        msgid("Vote on your phone when a round is open"), (P.BALLOTS_CAST,), phone=True,
    ),
    Section(
        "rate", "deputy", "/evaluations", msgid("Rate the projects"),
        msgid("Give your satisfaction with the projects being evaluated"), (P.EVALUATIONS_RATE,), phone=True,
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


def sections_for(held: Iterable[Permission]) -> list[Section]:
    """The sections a member holding the permissions ``held`` may open."""
    permissions = frozenset(held)
    return [s for s in SECTIONS if s.open_to(permissions)]


def areas_for(held: Iterable[Permission]) -> list[tuple[Area, list[Section]]]:
    """The home page's groups: each area with the sections of it the member may open, empty ones left out."""
    visible = sections_for(held)
    grouped = [(area, [s for s in visible if s.area == area.key]) for area in AREAS]
    if not any(s.area in DESK_AREAS for s in visible):
        # A deputy's phone duties (vote, rate) come first: that is what a deputy opens the home for.
        grouped.sort(key=lambda pair: pair[0].key != "deputy")
    return [(area, sections) for area, sections in grouped if sections]


def staff_navigation(held: Iterable[Permission]) -> list[tuple[Area, Section]]:
    """The shared staff navigation: one link per area, to its first section the member may open.

    Only for those with a desk to work at (any section that is not a phone page); deputies keep their
    plain phone pages with the way home in the site's navigation.
    """
    areas = areas_for(held)
    if all(section.phone for _area, sections in areas for section in sections):
        return []
    return [(area, sections[0]) for area, sections in areas]


def _scope(context: Context) -> Any:
    request = context.get("request")
    return scope_of(request) if isinstance(request, ASGIConnection) else None


@pass_context
def page_navigation(context: Context) -> list[dict[str, Any]]:
    """For templates: the staff navigation of the request's tenant for its caller, each item
    ``{href, label, current}``; empty when the page is not a member's page of a tenant."""
    scope = _scope(context)
    if scope is None or scope.principal is None:
        return []
    slug = scope.tenant.slug
    request = context.get("request")
    here = request.url.path if isinstance(request, ASGIConnection) else ""
    if any(here.startswith(s.href(slug)) for s in SECTIONS if s.phone):
        return []  # the phone pages (vote, rate) keep their plain layout, whoever opens them
    items = []
    for area, section in staff_navigation(scope.permissions):
        prefixes = [s.href(slug) for s in SECTIONS if s.area == area.key]
        current = any(here == p or here.startswith(p + "/") for p in prefixes)
        items.append({"href": section.href(slug), "label": area.label, "current": current})
    return items


@pass_context
def may(context: Context, permission: str) -> bool:
    """For templates: whether the page's caller holds ``permission`` (e.g. ``"rounds.conduct"``) here."""
    scope = _scope(context)
    return scope is not None and scope.may(permission)


@pass_context
def may_open(context: Context, section_key: str) -> bool:
    """For templates: whether the page's caller may open the section ``section_key`` of its tenant."""
    scope = _scope(context)
    return scope is not None and any(s.key == section_key for s in sections_for(scope.permissions))
