"""The demo year of 赵庄镇 (Baofeng county): a whole cycle seeded once, on the first embedded start.

``seed_year`` runs the township's year through the platform's services in one transaction (so a
failure leaves no half year behind), then rebuilds the oversight roll-ups so the county, city and
province dashboards show its figures at once.
"""

from __future__ import annotations

from minsheng.db.session import Database
from minsheng.demo import script
from minsheng.demo.cycle import Year, collect, enrol_deputies, hold_session, pool_and_screen
from minsheng.demo.follow_up import carry_out, evaluate, supervise
from minsheng.oversight.rollup import refresh_everything
from minsheng.tenancy import services as tenancy
from minsheng.tenancy.context import TenantRef, tenant_scope

__all__ = ["Year", "seed_year"]


async def seed_year(database: Database) -> Year:
    """Seed 赵庄镇's year: suggestions to the satisfaction evaluation (the demo users must exist)."""
    async with database.session() as session:
        tenant = await tenancy.get_by_slug(session, script.TOWNSHIP)
    with tenant_scope(TenantRef(tenant.id, tenant.slug)):
        async with database.session() as session:
            year = Year(tenant)
            suggestions = await collect(session, year)
            await pool_and_screen(session, year, suggestions)
            await enrol_deputies(session, year)
            await hold_session(session, year)
            await carry_out(session, year)
            await supervise(session, year)
            await evaluate(session, year)
    async with database.session() as session:
        await refresh_everything(session)
    return year
