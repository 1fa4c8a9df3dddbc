"""The plugin contract: one function per hook (platform/docs/architecture.md, "The hook contract").

"one" hooks are ``firstresult``: the most specific enabled plugin answers (pluggy calls plugins
registered later first, and the built-in defaults are registered first and marked ``trylast``).
"all" hooks collect from every enabled plugin. Every hook gets ``tenant``, a read-only
:class:`~minsheng.plugins.tenant.TenantView`. Rules are pure: no I/O, and a "no" is a verdict, not an
exception. Extend this contract; never break it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from minsheng.permissions import RoleGrant
    from minsheng.plugins.registries import (
        BallotFormat,
        Category,
        DigestAlgorithm,
        DocumentTemplate,
        FieldDefinition,
        NotificationChannel,
        SupervisionMethod,
    )
    from minsheng.plugins.tenant import TenantView
    from minsheng.plugins.verdicts import (
        MarginVerdict,
        Outcome,
        QuorumVerdict,
        Refusal,
        RoundValidity,
        SatisfactionOutcome,
        Tally,
    )

hookspec = pluggy.HookspecMarker("minsheng")
hookimpl = pluggy.HookimplMarker("minsheng")


@hookspec(firstresult=True)
def minsheng_margin_rule(tenant: TenantView, seats: int, candidates: int) -> MarginVerdict | None:
    """When a round is created or its candidate list edited: may ``candidates`` compete for ``seats``?
    Returns a ``MarginVerdict`` with the allowed margin range."""


@hookspec(firstresult=True)
def minsheng_quorum_rule(tenant: TenantView, entitled: int, present: int) -> QuorumVerdict | None:
    """When a round opens or attendance is shown: are ``present`` of ``entitled`` deputies enough?
    Returns a ``QuorumVerdict`` with the required number."""


@hookspec
def minsheng_ballot_formats(tenant: TenantView) -> Iterable[BallotFormat] | None:
    """When the tenant's registry is built: the ballot formats this plugin offers."""


@hookspec(firstresult=True)
def minsheng_outcome_rule(
    tenant: TenantView, tally: Tally, seats: int, entitled: int, ballot_format: str | None
) -> Outcome | None:
    """When a round closes: given ``tally`` (candidate id -> {"yes", "no", "abstain"} counts, plus any
    figures of the format's own such as ``points``), the ``seats`` to fill and the ``entitled``
    deputies, returns an ``Outcome`` (decided, runoff, void).

    ``ballot_format`` is the code of the round's ballot format (None when a caller does not know
    it). Added later: an implementation that does not name it in its signature is not given it."""


@hookspec(firstresult=True)
def minsheng_round_validity(tenant: TenantView, issued: int, returned: int) -> RoundValidity | None:
    """When a paper round closes: given ballots ``issued`` and ``returned``, returns ``RoundValidity``."""


@hookspec(firstresult=True)
def minsheng_satisfaction_rule(
    tenant: TenantView, counts: Mapping[str, int], members: int
) -> SatisfactionOutcome | None:
    """When a satisfaction evaluation closes: given ``counts`` by rating ("satisfied",
    "basically_satisfied", "unsatisfied", "abstain") and ``members``, returns a ``SatisfactionOutcome``."""


@hookspec
def minsheng_supervision_methods(tenant: TenantView) -> Iterable[SupervisionMethod] | None:
    """When the tenant's registry is built: the supervision methods this plugin offers."""


@hookspec
def minsheng_project_categories(tenant: TenantView) -> Iterable[Category] | None:
    """For forms and reports: the project categories this plugin offers."""


@hookspec
def minsheng_project_fields(tenant: TenantView) -> Iterable[FieldDefinition] | None:
    """For forms, validation and exports: extra project fields with their JSON schema."""


@hookspec
def minsheng_screen_project(tenant: TenantView, project: Mapping[str, object]) -> Iterable[Refusal] | None:
    """At screening: given the project's data ("name", "title", "content", ...), returns the reasons
    this plugin refuses it; empty when it has no objection."""


@hookspec
def minsheng_document_templates(tenant: TenantView) -> Iterable[DocumentTemplate] | None:
    """When a document is rendered: templates by kind; the most specific plugin wins per kind."""


@hookspec
def minsheng_notification_channels(tenant: TenantView) -> Iterable[NotificationChannel] | None:
    """When a notification is sent: the channels this plugin provides (code, async send, and the kind
    of address ``send`` accepts: "email", "phone", "user" ids or "any")."""


@hookspec(firstresult=True)
def minsheng_audit_digest(tenant: TenantView) -> DigestAlgorithm | None:
    """When the audit chain is written or verified: the digest algorithm (name and function)."""


@hookspec
def minsheng_role_grants(tenant: TenantView) -> Iterable[RoleGrant] | None:
    """When a request's permissions are worked out: roles this plugin adds, or more permissions for a
    role of the platform's table (``minsheng.permissions``). Grants only add; nothing is taken away."""


@hookspec
def minsheng_settings_schema() -> Mapping[str, object] | None:
    """When a tenant's configuration is saved or loaded: the JSON schema of this plugin's settings,
    or None when it takes none. Top-level ``default`` values fill settings a tenant leaves out."""
