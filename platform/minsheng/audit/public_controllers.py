"""The tenant's signed checkpoints, for anyone (no login): what a citizen or a deputy keeps to check
later that the audit chain was neither cut nor rewritten (``minsheng verify --checkpoint``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.audit.services import checkpoints
from minsheng.errors import NotFound
from minsheng.http.scope import TenantScope, public


class CheckpointsController(Controller):
    path = "/api/v1/t/{slug:str}/public/checkpoints"
    tags = ["audit"]

    @public
    @get("/")
    async def index(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        last: Annotated[int, QueryParameter(name="last", ge=1, le=500)] = 50,
    ) -> list[dict[str, Any]]:
        """The newest ``last`` signed checkpoints of the tenant's audit chain, oldest first."""
        return (await checkpoints(db_session))[-last:]

    @public
    @get("/latest")
    async def latest(self, access: TenantScope, db_session: AsyncSession) -> dict[str, Any]:
        """The newest signed checkpoint (404 before the first one): keep it to verify the chain later."""
        found = await checkpoints(db_session)
        if not found:
            raise NotFound("No checkpoint has been signed yet")
        return found[-1]
