"""File downloads for pages (cookie session), after the same membership check as the API."""

from __future__ import annotations

import uuid

from litestar import Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.files import services as files
from minsheng.files.responses import download_response
from minsheng.http.dependencies import TenantAccess, provide_tenant_access, services


@get(
    "/t/{slug:str}/files/{file_id:uuid}",
    include_in_schema=False,
    dependencies={"access": Provide(provide_tenant_access)},
    response_model=None,
)
async def file_page(
    access: TenantAccess, file_id: uuid.UUID, state: State, db_session: AsyncSession
) -> Redirect | Response[bytes]:
    """Download a file of the tenant (members only)."""
    access.require("tenant_admin", "presidium", "deputy", "teller", "government")
    return download_response(await files.download(db_session, services(state).store, file_id))
