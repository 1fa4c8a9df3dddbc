"""Every model of the platform, imported once so the metadata is complete (Alembic, RLS, tests)."""

from minsheng.accounts.models import AuthSession, LoginThrottle, Membership, User
from minsheng.admin.models import Invitation
from minsheng.audit.models import PlatformAuditEvent, TenantAuditEvent
from minsheng.collection.models import Suggestion
from minsheng.congress.agenda_models import AgendaItem
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
from minsheng.documents.models import GeneratedDocument
from minsheng.files.models import StoredFile
from minsheng.implementation.models import (
    Adjustment,
    DeadlineAlert,
    Milestone,
    ProgressPhoto,
    ProgressReport,
    QuarterlyMeeting,
    WorkPlan,
)
from minsheng.jobs.models import Job
from minsheng.notifications.models import Notification, NotificationDelivery, UserContact
from minsheng.oversight.models import OversightRollup
from minsheng.projects.models import CandidateEntry, CandidateList, Project, ProjectStatusChange, Screening
from minsheng.supervision.models import (
    Commitment,
    EvaluationParticipation,
    EvaluationRating,
    InquiryQuestion,
    PhoneVerification,
    PublicRating,
    Rectification,
    SatisfactionEvaluation,
    SpecialInquiry,
    SupervisionGroup,
    SupervisionPhoto,
    SupervisionPlan,
    SupervisionRecord,
)
from minsheng.tenancy.models import Tenant

__all__ = [
    "Adjustment",
    "AgendaItem",
    "AuthSession",
    "Ballot",
    "Base",
    "CandidateEntry",
    "CandidateList",
    "CheckIn",
    "Commitment",
    "CongressSession",
    "DeadlineAlert",
    "Deputy",
    "EvaluationParticipation",
    "EvaluationRating",
    "GeneratedDocument",
    "InquiryQuestion",
    "Invitation",
    "Job",
    "LoginThrottle",
    "Membership",
    "Milestone",
    "Notification",
    "NotificationDelivery",
    "OversightRollup",
    "PaperEntry",
    "Participation",
    "PhoneVerification",
    "PlatformAuditEvent",
    "ProgressPhoto",
    "ProgressReport",
    "Project",
    "ProjectStatusChange",
    "PublicRating",
    "QuarterlyMeeting",
    "Rectification",
    "RoundCandidate",
    "SatisfactionEvaluation",
    "Screening",
    "SpecialInquiry",
    "StoredFile",
    "Suggestion",
    "SupervisionGroup",
    "SupervisionPhoto",
    "SupervisionPlan",
    "SupervisionRecord",
    "Tenant",
    "TenantAuditEvent",
    "User",
    "UserContact",
    "VotingRound",
    "WorkPlan",
]
