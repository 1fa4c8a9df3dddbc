"""What the supervision pages share: access with a login redirect, the words of ratings and statuses,
rendering with them, who runs supervision, dates from forms."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from minsheng.congress.pages_support import provide_page_access
from minsheng.errors import InvalidInput
from minsheng.server.dependencies import TenantAccess
from minsheng.supervision.access import RUNNERS
from minsheng.web.i18n import msgid
from minsheng.web.templating import render

ACCESS = {"access": Provide(provide_page_access)}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

#: The ratings as deputies read them (DOMAIN.md: 满意 / 基本满意 / 不满意 / 弃权).
RATING_WORDS = {
    "satisfied": msgid("Satisfied"),
    "basically_satisfied": msgid("Basically satisfied"),
    "unsatisfied": msgid("Unsatisfied"),
    "abstain": msgid("Abstain"),
}
STATUS_WORDS = {
    "scheduled": msgid("Scheduled"),
    "open": msgid("Open"),
    "closed": msgid("Closed"),
    "reported": msgid("Reported"),
}


def render_page(request: Request[Any, Any, Any], access: TenantAccess, template: str, **context: Any) -> Template:
    """A supervision page in the caller's language, with the tenant, the user and the words it shows."""
    return render(
        request,
        template,
        tenant=access.tenant,
        user=access.principal,
        ratings=RATING_WORDS,
        statuses=STATUS_WORDS,
        **context,
    )


def form_date(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput("The field {field} is not a date (YYYY-MM-DD)", field=field) from exc


def runs_supervision(access: TenantAccess) -> bool:
    """Whether the caller may run evaluations and inquiries (presidium, tenant admins, operators)."""
    principal = access.principal
    return principal is not None and (principal.is_platform_admin or bool(access.roles.intersection(RUNNERS)))
