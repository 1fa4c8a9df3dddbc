"""Registration of the congress vote: the roster, the session in the hall, voting rounds and their documents.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.congress import document_kinds, models
from minsheng.congress.hall import agenda_models, screen_pages
from minsheng.congress.hall import pages as hall_pages
from minsheng.congress.hall.controllers import SessionsController
from minsheng.congress.hall.web_controllers import AgendaController, ScreenController
from minsheng.congress.roster import jobs as roster_jobs
from minsheng.congress.roster import pages as roster_pages
from minsheng.congress.roster.controllers import RosterController, RosterWorkbookController
from minsheng.congress.voting import key_share_pages, phone_pages, round_pages, teller_pages
from minsheng.congress.voting.controllers import RoundsController
from minsheng.db import idempotency

ROUTES: list[Any] = [
    RosterController,
    RosterWorkbookController,
    SessionsController,
    AgendaController,
    ScreenController,
    RoundsController,
    *roster_pages.ROUTES,
    *hall_pages.ROUTES,
    *screen_pages.ROUTES,
    *round_pages.ROUTES,
    *phone_pages.ROUTES,
    *teller_pages.ROUTES,
    *key_share_pages.ROUTES,
]
JOBS: list[Any] = [roster_jobs.import_roster]
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = list(document_kinds.KINDS)
# The ballots' idempotency keys live in the foundation's table, which ratings may use too.
MODELS: list[ModuleType] = [models, agenda_models, idempotency]
