"""The hooks as one tenant sees them: the proxy the rest of the platform calls rules through.

Made by ``MinshengPluginManager.hooks_for(view)``. It passes ``tenant`` for the caller, checks what
comes back, and turns a plugin's exception into ``PluginError`` naming that plugin, so a page can say
which regional plugin failed instead of showing a bare 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, Protocol, TypeVar, cast

import pluggy

from minsheng.permissions import RoleGrant
from minsheng.plugins.errors import NoPluginAnswered, PluginError
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

_T = TypeVar("_T")


class HookCallerSource(Protocol):
    """What the proxy needs from the manager: the hook callers for a set of enabled plugins."""

    def hook_callers(self, enabled: frozenset[str]) -> Mapping[str, pluggy.HookCaller]:
        """The callers that run only the ``enabled`` plugins."""
        ...


def _failing_plugin(caller: pluggy.HookCaller, traceback: TracebackType | None) -> str | None:
    """Name the plugin whose hook function raised, by finding its frame in the traceback.

    pluggy does not say which implementation raised; replaying the implementations one by one would
    repeat their side effects (a notification sent twice), so the traceback is read instead: the
    outermost frame running one of this hook's implementations is the one pluggy called.
    """
    owners: dict[object, str] = {}
    for impl in caller.get_hookimpls():
        code = getattr(impl.function, "__code__", None)
        if code is not None:
            owners.setdefault(code, impl.plugin_name)
    while traceback is not None:
        owner = owners.get(traceback.tb_frame.f_code)
        if owner is not None:
            return owner
        traceback = traceback.tb_next
    return None


class TenantHooks:
    """The hooks as one tenant sees them: only its enabled plugins run, and ``tenant`` is passed in.

    "one" hooks return the answer of the most specific plugin; registries return a dict by code in
    which a more specific plugin's entry replaces a less specific one with the same code. A plugin
    that raises surfaces as ``PluginError`` naming it.
    """

    def __init__(self, manager: HookCallerSource, tenant: TenantView) -> None:
        self._manager = manager
        self._enabled = frozenset(tenant.enabled_plugins)
        self.tenant = tenant

    def call(self, hook_name: str, **kwargs: object) -> Any:
        """Call any tenant hook by name with ``tenant`` added; raw pluggy result (for new hooks)."""
        # Looked up per call (a dict hit) rather than kept, so a plugin registered later is never
        # missed by a proxy made earlier.
        caller = self._manager.hook_callers(self._enabled)[hook_name]
        try:
            return caller(tenant=self.tenant, **kwargs)
        except Exception as error:
            plugin = _failing_plugin(caller, error.__traceback__)
            if plugin is None:
                raise  # raised by pluggy itself (a bad call), not by a plugin
            raise PluginError(plugin, hook_name, error) from error

    def _one(self, hook_name: str, expected: type[_T], **kwargs: object) -> _T:
        result = self.call(hook_name, **kwargs)
        if result is None:
            raise NoPluginAnswered(hook_name)
        if not isinstance(result, expected):
            raise TypeError(f"{hook_name} returned {type(result).__name__}, expected {expected.__name__}")
        return result

    def _entries(self, hook_name: str, expected: type[_T], **kwargs: object) -> list[_T]:
        entries: list[_T] = []
        for contribution in self.call(hook_name, **kwargs):
            for entry in cast(Iterable[object], contribution):
                if not isinstance(entry, expected):
                    raise TypeError(f"{hook_name} gave {type(entry).__name__}, expected {expected.__name__}")
                entries.append(entry)
        return entries

    def _registry(self, hook_name: str, expected: type[_T], key: str) -> dict[str, _T]:
        registry: dict[str, _T] = {}
        for entry in self._entries(hook_name, expected):
            # pluggy returns the most specific plugin's contribution first: the first code seen wins.
            registry.setdefault(getattr(entry, key), entry)
        return registry

    def margin_rule(self, *, seats: int, candidates: int) -> MarginVerdict:
        """May ``candidates`` candidates be voted on for ``seats`` seats? (platform/docs/domain.md: margin)"""
        return self._one("minsheng_margin_rule", MarginVerdict, seats=seats, candidates=candidates)

    def quorum_rule(self, *, entitled: int, present: int) -> QuorumVerdict:
        """Are ``present`` of ``entitled`` deputies a quorum? (platform/docs/domain.md: quorum)"""
        return self._one("minsheng_quorum_rule", QuorumVerdict, entitled=entitled, present=present)

    def outcome_rule(self, *, tally: Tally, seats: int, entitled: int, ballot_format: str | None = None) -> Outcome:
        """The outcome of a closed round from its per-candidate tally (platform/docs/domain.md: result).

        ``ballot_format`` is the round's format code, for a rule that depends on it.
        """
        return self._one(
            "minsheng_outcome_rule",
            Outcome,
            tally=tally,
            seats=seats,
            entitled=entitled,
            ballot_format=ballot_format,
        )

    def round_validity(self, *, issued: int, returned: int) -> RoundValidity:
        """Whether a paper round stands, given ballots issued and returned."""
        return self._one("minsheng_round_validity", RoundValidity, issued=issued, returned=returned)

    def satisfaction_rule(self, *, counts: Mapping[str, int], members: int) -> SatisfactionOutcome:
        """The outcome of a satisfaction evaluation from its counts by rating."""
        return self._one("minsheng_satisfaction_rule", SatisfactionOutcome, counts=counts, members=members)

    def audit_digest(self) -> DigestAlgorithm:
        """The digest algorithm of the tenant's audit chain."""
        return self._one("minsheng_audit_digest", DigestAlgorithm)

    def ballot_formats(self) -> dict[str, BallotFormat]:
        """The tenant's ballot formats by code."""
        return self._registry("minsheng_ballot_formats", BallotFormat, "code")

    def supervision_methods(self) -> dict[str, SupervisionMethod]:
        """The tenant's supervision methods by code."""
        return self._registry("minsheng_supervision_methods", SupervisionMethod, "code")

    def project_categories(self) -> dict[str, Category]:
        """The tenant's project categories by code (a region's own categories come first)."""
        return self._registry("minsheng_project_categories", Category, "code")

    def project_fields(self) -> dict[str, FieldDefinition]:
        """The tenant's extra project fields by code."""
        return self._registry("minsheng_project_fields", FieldDefinition, "code")

    def document_templates(self) -> dict[str, DocumentTemplate]:
        """The tenant's document templates by kind, the most specific plugin's per kind."""
        return self._registry("minsheng_document_templates", DocumentTemplate, "kind")

    def notification_channels(self) -> dict[str, NotificationChannel]:
        """The tenant's notification channels by code."""
        return self._registry("minsheng_notification_channels", NotificationChannel, "code")

    def role_grants(self) -> list[RoleGrant]:
        """The roles and permissions the tenant's plugins add to the permission table."""
        return self._entries("minsheng_role_grants", RoleGrant)

    def screen_project(self, project: Mapping[str, object]) -> list[Refusal]:
        """Every enabled plugin's refusals of ``project`` at screening; empty when none objects."""
        return self._entries("minsheng_screen_project", Refusal, project=project)
