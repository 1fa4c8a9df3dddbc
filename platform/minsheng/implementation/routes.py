"""The routes of implementation, notifications and the public portal, for ``server/routes.py``."""

from __future__ import annotations

from typing import Any

from minsheng.implementation.controllers import ImplementationController
from minsheng.implementation.pages import PAGE_HANDLERS as STAFF_PAGES
from minsheng.notifications.controllers import ContactController, NotificationsController
from minsheng.portal.controllers import PortalController
from minsheng.portal.pages import PAGE_HANDLERS as PORTAL_PAGES

IMPLEMENTATION_ROUTES: list[Any] = [
    ImplementationController,
    ContactController,
    NotificationsController,
    PortalController,
    *STAFF_PAGES,
    *PORTAL_PAGES,
]
