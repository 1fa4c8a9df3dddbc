"""Plugins: the hook contract, the values rules return, and the built-in defaults.

Plugin authors need only this module: ``from minsheng.plugins import hookimpl, MarginVerdict, Reason``.
The platform itself builds managers and tenant views with ``minsheng.plugins.manager``.
"""

from minsheng.plugins.hookspecs import hookimpl, hookspec
from minsheng.plugins.registries import (
    BallotFormat,
    Category,
    DigestAlgorithm,
    DocumentTemplate,
    FieldDefinition,
    NotificationChannel,
    NotificationMessage,
    PaperLayout,
    SupervisionMethod,
)
from minsheng.plugins.tenant import TenantView
from minsheng.plugins.verdicts import (
    MarginVerdict,
    Outcome,
    QuorumVerdict,
    RankedCandidate,
    Reason,
    Refusal,
    RoundValidity,
    SatisfactionOutcome,
)

__all__ = [
    "BallotFormat",
    "Category",
    "DigestAlgorithm",
    "DocumentTemplate",
    "FieldDefinition",
    "MarginVerdict",
    "NotificationChannel",
    "NotificationMessage",
    "Outcome",
    "PaperLayout",
    "QuorumVerdict",
    "RankedCandidate",
    "Reason",
    "Refusal",
    "RoundValidity",
    "SatisfactionOutcome",
    "SupervisionMethod",
    "TenantView",
    "hookimpl",
    "hookspec",
]
