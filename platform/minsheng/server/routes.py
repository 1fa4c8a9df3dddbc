"""Every route of the platform, gathered once for the app-core plugin (nothing else imports these)."""

from __future__ import annotations

from typing import Any

from minsheng.accounts.controllers import AuthController, MeController, TenantUsersController
from minsheng.admin.action_pages import PAGE_HANDLERS as CONSOLE_ACTION_PAGES
from minsheng.admin.controllers import InvitationsController, ManifestsController, TenantMembersController
from minsheng.admin.invitation_pages import PAGE_HANDLERS as INVITATION_PAGES
from minsheng.admin.onboarding_pages import PAGE_HANDLERS as ONBOARDING_PAGES
from minsheng.admin.pages import PAGE_HANDLERS as CONSOLE_PAGES
from minsheng.audit.controllers import AuditController
from minsheng.collection.controllers import CoverageController, SuggestionsController
from minsheng.collection.pages import PAGE_HANDLERS as COLLECTION_PAGES
from minsheng.collection.paper_pages import PAGE_HANDLERS as PAPER_PAGES
from minsheng.collection.staff_pages import PAGE_HANDLERS as INBOX_PAGES
from minsheng.congress.controllers import RosterController, SessionsController
from minsheng.congress.hall_controllers import AgendaController, RosterWorkbookController, ScreenController
from minsheng.congress.pages_deputy import DEPUTY_PAGES
from minsheng.congress.pages_roster import ROSTER_PAGES
from minsheng.congress.pages_rounds import ROUND_PAGES
from minsheng.congress.pages_screen import SCREEN_PAGES
from minsheng.congress.pages_staff import STAFF_PAGES
from minsheng.congress.pages_teller import TELLER_PAGES
from minsheng.congress.voting_controllers import RoundsController
from minsheng.documents.controllers import DocumentsController
from minsheng.documents.pages import PAGE_HANDLERS as DOCUMENT_PAGES
from minsheng.files.controllers import FilesController
from minsheng.files.pages import file_page
from minsheng.implementation.routes import IMPLEMENTATION_ROUTES
from minsheng.jobs.controllers import JobsController
from minsheng.jobs.pages import job_page
from minsheng.oversight.controllers import OversightController
from minsheng.oversight.pages import PAGE_HANDLERS as OVERSIGHT_PAGES
from minsheng.projects.candidate_pages import PAGE_HANDLERS as CANDIDATE_PAGES
from minsheng.projects.controllers import CandidateListsController, ProjectsController
from minsheng.projects.pages import PAGE_HANDLERS as POOL_PAGES
from minsheng.supervision.routes import SUPERVISION_ROUTES
from minsheng.tenancy.admin_controllers import TenantLifecycleController
from minsheng.tenancy.controllers import TenantAdminController
from minsheng.tenancy.public import TenantPublicController
from minsheng.web.pages import PAGE_HANDLERS

ROUTE_HANDLERS: list[Any] = [
    AuthController,
    MeController,
    TenantAdminController,
    TenantLifecycleController,
    TenantUsersController,
    TenantPublicController,
    AuditController,
    RosterController,
    SessionsController,
    RoundsController,
    AgendaController,
    RosterWorkbookController,
    ScreenController,
    STAFF_PAGES,
    ROSTER_PAGES,
    SCREEN_PAGES,
    DEPUTY_PAGES,
    FilesController,
    DocumentsController,
    JobsController,
    SuggestionsController,
    CoverageController,
    ProjectsController,
    CandidateListsController,
    job_page,
    file_page,
    *PAGE_HANDLERS,
    *COLLECTION_PAGES,
    *DOCUMENT_PAGES,
    *INBOX_PAGES,
    *PAPER_PAGES,
    *POOL_PAGES,
    *CANDIDATE_PAGES,
    *IMPLEMENTATION_ROUTES,
    *SUPERVISION_ROUTES,
    # The console and oversight (issue 6).
    TenantMembersController,
    ManifestsController,
    InvitationsController,
    OversightController,
    *CONSOLE_PAGES,
    *CONSOLE_ACTION_PAGES,
    *ONBOARDING_PAGES,
    *INVITATION_PAGES,
    *OVERSIGHT_PAGES,
    # Navigation (home pages are in web.pages): the round and supervision plan forms.
    ROUND_PAGES,
    # The tellers' entry of paper ballots.
    TELLER_PAGES,
]
