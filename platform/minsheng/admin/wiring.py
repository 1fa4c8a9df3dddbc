"""Registration of the operator's console (the tenant tree and lifecycle, onboarding, manifests, members,
invitations) and of each office's own pages and API (its users, invitations, places, settings).

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.admin import action_pages, invitation_pages, models, onboarding_pages, pages
from minsheng.admin.controllers import InvitationsController, ManifestsController, TenantMembersController
from minsheng.admin.office import configuration_pages as office_configuration_pages
from minsheng.admin.office import controllers as office_api
from minsheng.admin.office import user_pages as office_user_pages
from minsheng.admin.tenants import jobs as tenant_jobs
from minsheng.admin.tenants.controllers import TenantAdminController
from minsheng.admin.tenants.lifecycle_controllers import TenantLifecycleController

ROUTES: list[Any] = [
    TenantAdminController,
    TenantLifecycleController,
    TenantMembersController,
    ManifestsController,
    InvitationsController,
    *pages.ROUTES,
    *action_pages.ROUTES,
    *onboarding_pages.ROUTES,
    *invitation_pages.ROUTES,
    *office_api.ROUTES,
    *office_user_pages.ROUTES,
    *office_configuration_pages.ROUTES,
]
JOBS: list[Any] = [tenant_jobs.export]
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = [models]
