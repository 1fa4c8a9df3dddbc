"""The app refuses to start with a tenant route that declares no permission, or that declares one but
does not take the scope enforcing it; a route planted in a test app proves the check catches both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from litestar import get

from minsheng.app import create_app
from minsheng.http.scope import TenantScope, public, requires
from minsheng.permissions import Permission
from minsheng.server import contexts
from minsheng.testing import make_settings


@get("/t/{slug:str}/planted", include_in_schema=False)
async def undeclared(slug: str) -> str:
    return "anyone"


@requires(Permission.ROUNDS_CONDUCT)
@get("/api/v1/t/{slug:str}/planted")
async def declared_without_scope(slug: str) -> str:
    return "nobody checked"


@requires(Permission.ROUNDS_CONDUCT)
@get("/api/v1/t/{slug:str}/planted-right")
async def declared_with_scope(access: TenantScope) -> str:
    return access.tenant.slug


@public
@get("/t/{slug:str}/planted-public", include_in_schema=False)
async def public_with_scope(access: TenantScope) -> str:
    return access.tenant.slug


@get("/api/v1/admin/planted")
async def operator_route_without_operator() -> str:
    return "anyone"


def app_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *planted: Any) -> Any:
    original = contexts.routes
    monkeypatch.setattr(contexts, "routes", lambda: [*original(), *planted])
    return create_app(make_settings(tmp_path))


@pytest.mark.parametrize(
    ("planted", "named"),
    [
        (undeclared, "/t/{slug:str}/planted: declares no permission"),
        (declared_without_scope, "/api/v1/t/{slug:str}/planted: does not take the access"),
        (operator_route_without_operator, "/api/v1/admin/planted: takes none of operator"),
    ],
    ids=["a tenant route declaring nothing", "a permission without its scope", "an operator route unchecked"],
)
def test_a_route_without_its_authorization_fails_start_up_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, planted: Any, named: str
) -> None:
    with pytest.raises(RuntimeError) as refused:
        app_with(monkeypatch, tmp_path, planted)
    assert named in str(refused.value)


def test_declared_routes_taking_the_scope_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    app = app_with(monkeypatch, tmp_path, declared_with_scope, public_with_scope)
    paths = {route.path for route in app.routes}
    assert {"/api/v1/t/{slug:str}/planted-right", "/t/{slug:str}/planted-public"} <= paths
