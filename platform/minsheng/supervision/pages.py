"""What the supervision pages share: the words of ratings and statuses, and rendering a page with them
and with a refused form shown again (its refusal beside the field it names, everything typed kept).

Who sees which control is the permission table's: templates ask ``may("…")`` (platform/docs/roles.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request
from litestar.response import Template

from minsheng.errors import DomainError
from minsheng.http.forms import FormValues, form_state
from minsheng.http.pages import render_tenant_page
from minsheng.http.scope import TenantScope
from minsheng.i18n import msgid

#: The ratings as deputies read them (platform/docs/domain.md: 满意 / 基本满意 / 不满意 / 弃权).
RATING_WORDS = {
    "satisfied": msgid("Satisfied"),
    "basically_satisfied": msgid("Basically satisfied"),
    "unsatisfied": msgid("Unsatisfied"),
    "abstain": msgid("Abstain"),
}
#: Rows on one page of a supervision list.
PER_PAGE = 20

STATUS_WORDS = {
    "scheduled": msgid("Scheduled"),
    "open": msgid("Open"),
    "closed": msgid("Closed"),
    "reported": msgid("Reported"),
}


def render_page(
    request: Request[Any, Any, Any],
    access: TenantScope,
    template: str,
    *,
    error: DomainError | None = None,
    failed: str = "",
    values: FormValues | None = None,
    status_code: int | None = None,
    **context: Any,
) -> Template:
    """A supervision page in the caller's language, with the tenant, the user and the words it shows.

    ``error``: a refusal of the form ``failed``, shown there with the ``values`` typed; the page then
    answers with the refusal's status unless ``status_code`` says otherwise.
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
        **form_state(failed, values),
        **context,
    )


def list_state(
    rows: Sequence[Any], total: int, page: int, *, error: DomainError | None = None, failed: str = ""
) -> dict[str, Any]:
    """A list page's paging, and ``refusal_elsewhere``: a refused form of a row not on this page (its
    refusal is then shown above the list)."""
    shown = any(failed.endswith(str(row.id)) for row in rows)
    return {
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PER_PAGE)),
        "refusal_elsewhere": error is not None and not shown,
    }
