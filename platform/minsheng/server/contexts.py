"""The one registration list: every context of the platform, named once.

Each context's package has a ``wiring`` module listing what it adds to the app: its ``ROUTES``, its
``JOBS`` and ``PERIODIC`` tasks, its ``DOCUMENT_KINDS`` and the ``MODELS`` modules that define its
tables. Nothing scans folders: a context that is not named here adds nothing, and a context that is
named here adds everything it lists, however deep its sub-packages go.

:func:`install` fills the registries (jobs, periodic tasks, document kinds) and imports every model,
so the metadata is complete. Every entry point calls it before doing anything: ``create_app``, the
``minsheng`` command and the arq worker it starts, the test fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

from minsheng.accounts import wiring as accounts
from minsheng.admin import wiring as admin
from minsheng.audit import wiring as audit
from minsheng.collection import wiring as collection
from minsheng.congress import wiring as congress
from minsheng.documents import wiring as documents
from minsheng.documents.kinds import register_kinds
from minsheng.files import wiring as files
from minsheng.home import wiring as home
from minsheng.implementation import wiring as implementation
from minsheng.jobs import wiring as jobs
from minsheng.jobs.periodic import register_periodic
from minsheng.jobs.registry import register_jobs
from minsheng.notifications import wiring as notifications
from minsheng.oversight import wiring as oversight
from minsheng.portal import wiring as portal
from minsheng.projects import wiring as projects
from minsheng.supervision import wiring as supervision
from minsheng.tenancy import wiring as tenancy

#: The contexts, foundation first, then the cycle in its order, then what spans it.
CONTEXTS: tuple[ModuleType, ...] = (
    tenancy,
    accounts,
    audit,
    jobs,
    files,
    notifications,
    documents,
    home,
    collection,
    projects,
    congress,
    implementation,
    supervision,
    oversight,
    portal,
    admin,
)


def _each(name: str) -> Iterator[Any]:
    for context in CONTEXTS:
        yield from getattr(context, name)


def routes() -> list[Any]:
    """Every route handler, controller and router of every context."""
    return list(_each("ROUTES"))


def model_modules() -> list[ModuleType]:
    """Every module that defines tables (importing this module has imported them all)."""
    return list(_each("MODELS"))


_installed = False


def install() -> None:
    """Register every context's jobs, periodic tasks and document kinds (once per process)."""
    global _installed
    if _installed:
        return
    register_jobs(_each("JOBS"))
    register_periodic(_each("PERIODIC"))
    register_kinds(_each("DOCUMENT_KINDS"))
    _installed = True
