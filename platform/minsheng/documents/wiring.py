"""Registration of documents: ordering one, following its job, downloading it, editing templates.

What this context adds to the app; only the registration list (``minsheng.server.contexts``)
imports this module."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from minsheng.documents import jobs, models, pages, template_pages
from minsheng.documents.controllers import DocumentsController

ROUTES: list[Any] = [DocumentsController, *pages.ROUTES, *template_pages.ROUTES]
JOBS: list[Any] = [jobs.render]
PERIODIC: list[Any] = []
DOCUMENT_KINDS: list[Any] = []
MODELS: list[ModuleType] = [models]
