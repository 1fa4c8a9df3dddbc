"""What every console page shares: the operator gate, paging, and the layout's context."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.response import Redirect, Template

from minsheng.accounts.services import Principal
from minsheng.errors import Forbidden
from minsheng.i18n import msgid
from minsheng.web.templating import render

CONSOLE_PER_PAGE = 50

# Words the console's templates translate from codes (marked for the catalog's extractor).
CODE_WORDS = (
    msgid("tenant_admin"),
    msgid("presidium"),
    msgid("deputy"),
    msgid("teller"),
    msgid("government"),
    msgid("active"),
    msgid("suspended"),
    msgid("name"),
    msgid("plugins"),
    msgid("settings"),
)

# Messages shown after an action redirected back (``?done=``): fixed codes, never text from the URL.
DONE_MESSAGES = {
    "suspended": msgid("The tenant is suspended"),
    "resumed": msgid("The tenant is active again"),
    "deleted": msgid("The tenant was deleted"),
    "roles": msgid("The roles were changed"),
    "removed": msgid("The member was removed"),
    "revoked": msgid("The invitation was revoked"),
}


def operator_or_redirect(request: Request[Any, Any, Any], principal: Principal | None) -> Principal | Redirect:
    """The signed-in platform operator; a visitor is sent to the login page, anybody else gets 403."""
    if principal is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(path, safe='')}", status_code=303)
    if not principal.is_platform_admin:
        raise Forbidden("You do not have the role needed for this action")
    return principal


def page_count(total: int, per_page: int = CONSOLE_PER_PAGE) -> int:
    return max(1, -(-total // per_page))


def console_page(request: Request[Any, Any, Any], template: str, user: Principal, **context: Any) -> Template:
    """A console page: the layout gets the operator (its CSRF token goes into the forms)."""
    done = request.query_params.get("done")
    flashes = [{"message": DONE_MESSAGES[done], "category": "success"}] if done in DONE_MESSAGES else []
    return render(request, template, user=user, flashes=context.pop("flashes", flashes), **context)
