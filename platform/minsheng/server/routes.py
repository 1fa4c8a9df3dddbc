"""Every route of the platform, gathered once for the app-core plugin (nothing else imports these)."""

from __future__ import annotations

from typing import Any

from minsheng.accounts.controllers import AuthController, MeController, TenantUsersController
from minsheng.audit.controllers import AuditController
from minsheng.collection.controllers import CoverageController, SuggestionsController
from minsheng.collection.pages import PAGE_HANDLERS as COLLECTION_PAGES
from minsheng.congress.controllers import RosterController, SessionsController
from minsheng.congress.voting_controllers import RoundsController
from minsheng.files.controllers import FilesController
from minsheng.files.pages import file_page
from minsheng.jobs.controllers import JobsController
from minsheng.jobs.pages import job_page
from minsheng.projects.controllers import CandidateListsController, ProjectsController
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
    FilesController,
    JobsController,
    SuggestionsController,
    CoverageController,
    ProjectsController,
    CandidateListsController,
    job_page,
    file_page,
    *PAGE_HANDLERS,
    *COLLECTION_PAGES,
]
