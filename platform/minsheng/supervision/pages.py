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

from minsheng.errors import DomainError, InvalidInput
from minsheng.http.dependencies import TenantAccess
from minsheng.http.pages import provide_page_access, render_tenant_page
from minsheng.i18n import msgid
from minsheng.supervision.access import RUNNERS

ACCESS = {"access": Provide(provide_page_access)}
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

#: The ratings as deputies read them (platform/docs/domain.md: 满意 / 基本满意 / 不满意 / 弃权).
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


def render_page(
    request: Request[Any, Any, Any],
    access: TenantAccess,
    template: str,
    *,
    error: DomainError | None = None,
    status_code: int | None = None,
    **context: Any,
) -> Template:
    """A supervision page in the caller's language, with the tenant, the user and the words it shows.

    ``error``: a refusal shown on the page, which then answers with the refusal's status unless
    ``status_code`` says otherwise.
    """
    if status_code is None:
        status_code = error.status_code if error else 200
    return render_tenant_page(
        request,
        access,
        template,
        status_code=status_code,
        error=error,
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
