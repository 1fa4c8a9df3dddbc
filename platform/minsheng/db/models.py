"""Every model of the platform, imported once so the metadata is complete (Alembic, RLS, tests)."""

from minsheng.accounts.models import AuthSession, LoginThrottle, Membership, User
from minsheng.audit.models import PlatformAuditEvent, TenantAuditEvent
from minsheng.collection.models import Suggestion
from minsheng.congress.models import (
    Ballot,
    CheckIn,
    CongressSession,
    Deputy,
    PaperEntry,
    Participation,
    RoundCandidate,
    VotingRound,
)
from minsheng.db.base import Base
from minsheng.files.models import StoredFile
from minsheng.jobs.models import Job
from minsheng.projects.models import CandidateEntry, CandidateList, Project, ProjectStatusChange, Screening
from minsheng.tenancy.models import Tenant

__all__ = [
    "AuthSession",
    "Ballot",
    "Base",
    "CandidateEntry",
    "CandidateList",
    "CheckIn",
    "CongressSession",
    "Deputy",
    "Job",
    "LoginThrottle",
    "Membership",
    "PaperEntry",
    "Participation",
    "PlatformAuditEvent",
    "Project",
    "ProjectStatusChange",
    "RoundCandidate",
    "Screening",
    "StoredFile",
    "Suggestion",
    "Tenant",
    "TenantAuditEvent",
    "User",
    "VotingRound",
]
