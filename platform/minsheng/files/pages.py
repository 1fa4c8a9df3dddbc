"""File downloads for pages (cookie session), after the same membership check as the API."""

from __future__ import annotations

import uuid

from litestar import Response, get
from litestar.datastructures import State
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.files import services as files
from minsheng.files.responses import download_response
from minsheng.http.dependencies import services
from minsheng.http.scope import TenantScope, requires
from minsheng.permissions import Permission


@requires(Permission.TENANT_READ)
@get("/t/{slug:str}/files/{file_id:uuid}", include_in_schema=False, response_model=None)
async def file_page(
    access: TenantScope, file_id: uuid.UUID, state: State, db_session: AsyncSession
) -> Redirect | Response[bytes]:
    """Download a file of the tenant (members only)."""
    return download_response(await files.download(db_session, services(state).store, file_id))
