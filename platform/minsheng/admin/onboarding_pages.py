"""The onboarding wizard (a county and its townships) and manifest upload: plan first, then apply."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import State, UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts.services import Principal
from minsheng.admin import invitations, onboarding
from minsheng.admin.configuration_view import shown
from minsheng.admin.console import console_page, operator_or_redirect
from minsheng.admin.tenants.plugin_usage import installed_plugins
from minsheng.errors import DomainError, InvalidInput
from minsheng.http.dependencies import services
from minsheng.i18n import translate
from minsheng.tenancy import services as tenancy
from minsheng.web.templating import request_locale

MAX_MANIFEST_BYTES = 1_000_000
WIZARD_FIELDS = ("slug", "name", "parent", "townships", "admins", "settings")


def _message(request: Request[Any, Any, Any], exc: DomainError) -> str:
    return translate(exc.message, request_locale(request), **exc.params)


def _wizard(
    request: Request[Any, Any, Any], state: State, user: Principal, values: dict[str, Any], **extra: Any
) -> Response[Any]:
    plugins = sorted(name for name in installed_plugins(services(state).plugins) if name != "minsheng.defaults")
    return console_page(request, "admin/onboarding.html", user, values=values, plugins=plugins, **extra)


def _draft(values: dict[str, Any]) -> onboarding.CountyDraft:
    return onboarding.CountyDraft(
        slug=values["slug"],
        name=values["name"],
        parent=values["parent"],
        townships=values["townships"],
        admins=values["admins"],
        plugins=None if values["inherit"] else list(values["plugins"]),
        settings=values["settings"],
    )


async def _wizard_values(request: Request[Any, Any, Any]) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name) or "")[:20000] for name in WIZARD_FIELDS}
    values["inherit"] = bool(form.get("inherit_plugins"))
    values["plugins"] = [str(p) for p in form.getall("plugins", [])]
    return values


@get("/admin/onboarding", include_in_schema=False)
async def onboarding_form(
    request: Request[Any, Any, Any], state: State, principal: Principal | None, parent: str | None = None
) -> Response[Any]:
    """Step 1: the county, its townships, administrators, plugins and settings."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    values: dict[str, Any] = {name: "" for name in WIZARD_FIELDS}
    values.update(parent=(parent or "")[:63], inherit=True, plugins=[])
    return _wizard(request, state, gate, values)


@post("/admin/onboarding", include_in_schema=False, status_code=200)
async def onboarding_step(
    request: Request[Any, Any, Any], state: State, db_session: AsyncSession, principal: Principal | None
) -> Response[Any]:
    """Step 2 (``step=plan``): the plan, nothing changed yet; step 3 (``step=apply``): apply and invite."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    values = await _wizard_values(request)
    step = str((await request.form()).get("step") or "plan")
    try:
        text, invites = onboarding.county_manifest(_draft(values))
        if step != "apply":
            preview = await onboarding.preview(db_session, text, actor=gate.username)
            return console_page(
                request,
                "admin/plan.html",
                gate,
                preview=preview,
                invites=invites,
                values=values,
                wizard=True,
                shown=shown,
            )
        changes = await onboarding.apply(db_session, text, actor=gate.username)
        links = []
        for invite in invites:
            tenant = await tenancy.get_by_slug(db_session, invite.tenant)
            _row, token = await invitations.invite(
                db_session,
                tenant,
                ["tenant_admin"],
                actor=gate.username,
                display_name=invite.display_name,
                username=invite.username,
            )
            links.append((invite, str(request.base_url).rstrip("/") + invitations.invitation_path(token)))
    except DomainError as exc:
        await db_session.rollback()
        return _wizard(request, state, gate, values, error=_message(request, exc), status_code=exc.status_code)
    return console_page(request, "admin/applied.html", gate, changes=changes, links=links, county=values["slug"])


async def _manifest_text(request: Request[Any, Any, Any]) -> str:
    form = await request.form()
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read(MAX_MANIFEST_BYTES + 1)
        if len(content) > MAX_MANIFEST_BYTES:
            raise InvalidInput("The manifest is larger than {size} bytes", size=MAX_MANIFEST_BYTES)
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput("The manifest is not UTF-8 text") from exc
    return str(form.get("manifest") or "")[:MAX_MANIFEST_BYTES]


@get("/admin/manifests", include_in_schema=False)
async def manifest_form(request: Request[Any, Any, Any], principal: Principal | None) -> Response[Any]:
    """Upload a manifest (a file or pasted YAML) to see its plan."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    return console_page(request, "admin/manifests.html", gate, text="")


@post("/admin/manifests", include_in_schema=False, status_code=200)
async def manifest_step(
    request: Request[Any, Any, Any], db_session: AsyncSession, principal: Principal | None
) -> Response[Any]:
    """``step=plan``: the diff of what would change; ``step=apply``: apply it (idempotent)."""
    gate = operator_or_redirect(request, principal)
    if not isinstance(gate, Principal):
        return gate
    text = ""
    try:
        text = await _manifest_text(request)
        if str((await request.form()).get("step") or "plan") != "apply":
            preview = await onboarding.preview(db_session, text, actor=gate.username)
            return console_page(
                request, "admin/plan.html", gate, preview=preview, invites=[], wizard=False, shown=shown
            )
        changes = await onboarding.apply(db_session, text, actor=gate.username)
    except DomainError as exc:
        await db_session.rollback()
        response = console_page(request, "admin/manifests.html", gate, text=text, error=_message(request, exc))
        response.status_code = exc.status_code
        return response
    return console_page(request, "admin/applied.html", gate, changes=changes, links=[], county=None)


ROUTES: list[Any] = [onboarding_form, onboarding_step, manifest_form, manifest_step]
