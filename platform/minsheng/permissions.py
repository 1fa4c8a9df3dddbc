"""The one permission table: what each role of a tenant may do, as the law assigns it.

Every tenant route declares the :class:`Permission` it needs (``minsheng.http.scope.requires``); the
navigation, every link and button of the pages and the API read this same table, so no page offers a
control its viewer cannot use. ``platform/docs/roles.md`` explains each role and its legal source.

The roles follow the organic law of local people's congresses:

- the **presidium** (主席团) runs the congress session: sessions, agenda, check-in, voting rounds, the
  result announcement;
- between sessions the **standing committee** (常委会, at county level) decides: adjustments (with the
  meeting's name and date), the candidate list, supervision plans, evaluations, special inquiries,
  closing commitments. A township has no standing committee: its 人大主席团 decides between sessions,
  so in a township the presidium also holds the standing committee's permissions;
- the **congress office** (人大办: the ``clerk``, and the ``tenant_admin`` who also keeps the office's
  accounts and settings) prepares and records, but does not decide;
- the **government** (政府 and its responsible units) screens, files work plans, progress and evidence,
  answers inquiries, and never closes its own commitments;
- **deputies** vote, ask, inspect and rate; **scrutineers and tellers** oversee and count paper ballots;
- the **platform operator** keeps the tenant tree and accounts; it holds no office in a tenant, so it
  can neither vote nor decide there.

A tenant may give one person several roles. Region plugins may add roles or grant more permissions
(the ``minsheng_role_grants`` hook); nothing here is ever taken away by a plugin.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from minsheng.i18n import msgid


class Role(enum.StrEnum):
    """A role a member holds in one tenant (a membership's ``roles``)."""

    TENANT_ADMIN = "tenant_admin"
    CLERK = "clerk"
    PRESIDIUM = "presidium"
    STANDING_COMMITTEE = "standing_committee"
    GOVERNMENT = "government"
    DEPUTY = "deputy"
    CHIEF_SCRUTINEER = "chief_scrutineer"
    SCRUTINEER = "scrutineer"
    TELLER = "teller"


#: Not a membership role: what the platform operator may do in any tenant.
OPERATOR = "operator"
#: Not a membership role: what an admin of an ancestor tenant may do in its subtree (a county's office
#: manages its townships' accounts).
ANCESTOR_ADMIN = "ancestor_admin"


class Permission(enum.StrEnum):
    """One thing a caller may do in a tenant. Values read ``<subject>.<verb>``."""

    TENANT_READ = "tenant.read"
    # collection and the project pool
    SUGGESTIONS_READ = "suggestions.read"
    SUGGESTIONS_ENTER = "suggestions.enter"
    SUGGESTIONS_HANDLE = "suggestions.handle"
    PROJECTS_READ = "projects.read"
    PROJECTS_DRAFT = "projects.draft"
    PROJECTS_SCREEN = "projects.screen"
    CANDIDATES_PREPARE = "candidates.prepare"
    CANDIDATES_FIX = "candidates.fix"
    # the congress vote
    ROSTER_READ = "roster.read"
    ROSTER_MANAGE = "roster.manage"
    SESSIONS_MANAGE = "sessions.manage"
    SESSIONS_CONDUCT = "sessions.conduct"
    CHECKIN_MANAGE = "checkin.manage"
    ROUNDS_PREPARE = "rounds.prepare"
    ROUNDS_CONDUCT = "rounds.conduct"
    ROUNDS_EXPORT = "rounds.export"
    SCREEN_VIEW = "screen.view"
    BALLOTS_CAST = "ballots.cast"
    BALLOTS_ENTER_PAPER = "ballots.enter_paper"
    # implementation
    IMPLEMENTATION_READ = "implementation.read"
    WORK_PLANS_FILE = "work_plans.file"
    PROGRESS_REPORT = "progress.report"
    MEETINGS_RECORD = "meetings.record"
    ADJUSTMENTS_PROPOSE = "adjustments.propose"
    ADJUSTMENTS_DECIDE = "adjustments.decide"
    ADJUSTMENTS_REPORT = "adjustments.report"
    DEADLINES_READ = "deadlines.read"
    # supervision
    SUPERVISION_READ = "supervision.read"
    SUPERVISION_PLANS_PREPARE = "supervision_plans.prepare"
    SUPERVISION_PLANS_ADOPT = "supervision_plans.adopt"
    SUPERVISION_RECORDS_FILE = "supervision_records.file"
    INQUIRIES_HOLD = "inquiries.hold"
    INQUIRIES_ASK = "inquiries.ask"
    INQUIRIES_ANSWER = "inquiries.answer"
    COMMITMENTS_EVIDENCE = "commitments.evidence"
    COMMITMENTS_CLOSE = "commitments.close"
    EVALUATIONS_RUN = "evaluations.run"
    EVALUATIONS_RATE = "evaluations.rate"
    RECTIFICATIONS_REPORT = "rectifications.report"
    # what spans the cycle
    DOCUMENTS_ORDER = "documents.order"
    DOCUMENT_TEMPLATES_EDIT = "documents.templates"
    OVERSIGHT_READ = "oversight.read"
    AUDIT_READ = "audit.read"
    USERS_MANAGE = "users.manage"
    SETTINGS_MANAGE = "settings.manage"


P = Permission

#: What the congress office prepares and records (the clerk; the tenant admin besides its accounts).
_OFFICE = frozenset(
    {
        P.TENANT_READ,
        P.SUGGESTIONS_READ,
        P.SUGGESTIONS_ENTER,
        P.SUGGESTIONS_HANDLE,
        P.PROJECTS_READ,
        P.PROJECTS_DRAFT,
        P.CANDIDATES_PREPARE,
        P.ROSTER_READ,
        P.ROSTER_MANAGE,
        P.SESSIONS_MANAGE,
        P.CHECKIN_MANAGE,
        P.ROUNDS_PREPARE,
        P.ROUNDS_EXPORT,
        P.SCREEN_VIEW,
        P.IMPLEMENTATION_READ,
        P.MEETINGS_RECORD,
        P.ADJUSTMENTS_REPORT,
        P.DEADLINES_READ,
        P.SUPERVISION_READ,
        P.SUPERVISION_PLANS_PREPARE,
        P.SUPERVISION_RECORDS_FILE,
        P.INQUIRIES_HOLD,
        P.DOCUMENTS_ORDER,
        P.OVERSIGHT_READ,
        P.AUDIT_READ,
    }
)
#: What the standing committee decides between sessions (in a township: its presidium).
_BETWEEN_SESSIONS = frozenset(
    {
        P.TENANT_READ,
        P.SUGGESTIONS_READ,
        P.PROJECTS_READ,
        P.CANDIDATES_FIX,
        P.ROSTER_READ,
        P.IMPLEMENTATION_READ,
        P.ADJUSTMENTS_DECIDE,
        P.DEADLINES_READ,
        P.SUPERVISION_READ,
        P.SUPERVISION_PLANS_ADOPT,
        P.SUPERVISION_RECORDS_FILE,
        P.INQUIRIES_HOLD,
        P.INQUIRIES_ASK,
        P.COMMITMENTS_CLOSE,
        P.EVALUATIONS_RUN,
        P.DOCUMENTS_ORDER,
        P.OVERSIGHT_READ,
        P.AUDIT_READ,
    }
)
_SCRUTINY = frozenset({P.TENANT_READ, P.BALLOTS_ENTER_PAPER, P.ROUNDS_EXPORT})

#: The table: each role's permissions in a county (a township's presidium adds ``_BETWEEN_SESSIONS``).
GRANTS: Mapping[str, frozenset[Permission]] = {
    Role.TENANT_ADMIN: _OFFICE | {P.USERS_MANAGE, P.SETTINGS_MANAGE, P.DOCUMENT_TEMPLATES_EDIT},
    Role.CLERK: _OFFICE,
    Role.PRESIDIUM: frozenset(
        {
            P.TENANT_READ,
            P.SUGGESTIONS_READ,
            P.PROJECTS_READ,
            P.ROSTER_READ,
            P.ROSTER_MANAGE,
            P.SESSIONS_MANAGE,
            P.SESSIONS_CONDUCT,
            P.CHECKIN_MANAGE,
            P.ROUNDS_PREPARE,
            P.ROUNDS_CONDUCT,
            P.ROUNDS_EXPORT,
            P.SCREEN_VIEW,
            P.IMPLEMENTATION_READ,
            P.MEETINGS_RECORD,
            P.ADJUSTMENTS_REPORT,
            P.DEADLINES_READ,
            P.SUPERVISION_READ,
            P.SUPERVISION_RECORDS_FILE,
            P.INQUIRIES_ASK,
            P.DOCUMENTS_ORDER,
            P.OVERSIGHT_READ,
            P.AUDIT_READ,
        }
    ),
    Role.STANDING_COMMITTEE: _BETWEEN_SESSIONS,
    Role.GOVERNMENT: frozenset(
        {
            P.TENANT_READ,
            P.SUGGESTIONS_READ,
            P.PROJECTS_READ,
            P.PROJECTS_DRAFT,
            P.PROJECTS_SCREEN,
            P.IMPLEMENTATION_READ,
            P.WORK_PLANS_FILE,
            P.PROGRESS_REPORT,
            P.ADJUSTMENTS_PROPOSE,
            P.DEADLINES_READ,
            P.SUPERVISION_READ,
            P.INQUIRIES_ANSWER,
            P.COMMITMENTS_EVIDENCE,
            P.RECTIFICATIONS_REPORT,
            P.DOCUMENTS_ORDER,
        }
    ),
    Role.DEPUTY: frozenset(
        {
            P.TENANT_READ,
            P.BALLOTS_CAST,
            P.IMPLEMENTATION_READ,
            P.SUPERVISION_READ,
            P.SUPERVISION_RECORDS_FILE,
            P.INQUIRIES_ASK,
            P.EVALUATIONS_RATE,
        }
    ),
    Role.CHIEF_SCRUTINEER: _SCRUTINY,
    Role.SCRUTINEER: _SCRUTINY,
    Role.TELLER: frozenset({P.TENANT_READ, P.BALLOTS_ENTER_PAPER}),
    OPERATOR: frozenset({P.TENANT_READ, P.USERS_MANAGE, P.SETTINGS_MANAGE, P.OVERSIGHT_READ, P.AUDIT_READ}),
    ANCESTOR_ADMIN: frozenset({P.USERS_MANAGE}),
}

#: How an office names each role (the membership roles; pages show these, never the codes).
ROLE_LABELS: Mapping[str, str] = {
    Role.TENANT_ADMIN: msgid("Congress office administrator"),
    Role.CLERK: msgid("Congress office staff"),
    Role.PRESIDIUM: msgid("Presidium"),
    Role.STANDING_COMMITTEE: msgid("Standing committee"),
    Role.GOVERNMENT: msgid("Government"),
    Role.DEPUTY: msgid("Deputy"),
    Role.CHIEF_SCRUTINEER: msgid("Chief scrutineer"),
    Role.SCRUTINEER: msgid("Scrutineer"),
    Role.TELLER: msgid("Teller"),
}


@dataclass(frozen=True)
class RoleGrant:
    """What a region plugin adds to the table: a role (new, or one above) and more permissions for it.

    ``label`` names a new role on the pages (a msgid of the plugin's catalog); ``None`` for a known role.
    """

    role: str
    permissions: frozenset[Permission]
    label: str | None = None


def township_presidium_decides(level: str) -> bool:
    """In a township the 人大主席团 also decides between sessions: it has no standing committee."""
    return level == "township"


def permissions_of(
    roles: Iterable[str], level: str, extra: Iterable[RoleGrant] = (), *, operator: bool = False
) -> frozenset[Permission]:
    """Everything the holder of ``roles`` may do in a tenant of ``level``, with the plugins' ``extra``
    grants; ``operator`` adds what the platform operator may do in every tenant."""
    held = set(roles)
    if operator:
        held.add(OPERATOR)
    granted: set[Permission] = set()
    for role in held:
        granted |= GRANTS.get(role, frozenset())
    if Role.PRESIDIUM in held and township_presidium_decides(level):
        granted |= GRANTS[Role.STANDING_COMMITTEE]
    for grant in extra:
        if grant.role in held:
            granted |= grant.permissions
    return frozenset(granted)


def known_roles(extra: Iterable[RoleGrant] = ()) -> list[str]:
    """The roles a membership may hold: the table's, then the plugins' new ones, in order."""
    roles = [role.value for role in Role]
    roles += [grant.role for grant in extra if grant.role not in roles]
    return list(dict.fromkeys(roles))


def roles_with(permission: Permission, level: str, extra: Iterable[RoleGrant] = ()) -> list[str]:
    """The membership roles that hold ``permission`` in a tenant of ``level`` (for docs and messages)."""
    grants = list(extra)
    return [role for role in known_roles(grants) if permission in permissions_of([role], level, grants)]


def role_labels(extra: Iterable[RoleGrant] = ()) -> dict[str, str]:
    """Every role a membership may hold here with the message id that names it (a plugin's new role
    by its own label, else by its code)."""
    grants = list(extra)
    labels = {role: ROLE_LABELS.get(role, role) for role in known_roles(grants)}
    labels.update({grant.role: grant.label for grant in grants if grant.label and grant.role not in ROLE_LABELS})
    return labels
