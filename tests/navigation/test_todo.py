"""The home says what to do: each role's to-do panel names what waits for its duty, each item a link the
viewer may open; a role with nothing waiting is told so."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from navigation.county import County
from navigation.routes import declares

from minsheng.implementation.models import WorkPlan
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import Api

ITEM = re.compile(r'<li><a href="([^"]+)" data-todo="([a-z_]+)">([^<]+)</a></li>')


async def todo(county: County, role: str) -> list[tuple[str, str, str]]:
    """The items of the role's to-do panel: (key, link, text), after checking every link opens."""
    async with county.browser(role) as browser:
        home = await browser.get(f"/t/{county.slug}/")
        assert home.status_code == 200 and 'id="todo"' in home.text, role
        items = [(key, href.replace("&amp;", "&"), text) for href, key, text in ITEM.findall(home.text)]
        for _key, href, _text in items:
            if declares(county.api.app, "GET", href):  # a context still checking roles itself: judged once converted
                assert (await browser.get(href)).status_code == 200, (role, href)
        if not items:
            assert "目前没有待办事项" in home.text
        return items


async def test_each_role_is_told_what_waits_for_it(api: Api, county: County) -> None:
    # 项目0 has a work plan whose deadline has passed; 项目1 still has none (due a month after the vote).
    with tenant_scope(TenantRef(county.tenant_id, county.slug)):
        async with api.services.database.session() as session:
            plan = WorkPlan(
                project_id=county.projects[0], responsible_unit="镇卫生院", targets="义诊", budget=Decimal(1000),
                funding_source="镇财政", deadline=date(2026, 6, 30), filed_by="t", filed_on=date(2026, 2, 1),
            )  # fmt: skip
            session.add(plan)
    t = f"/t/{county.slug}"

    office = await todo(county, "tenant_admin")
    assert ("suggestions", f"{t}/staff/suggestions?status=received", "1 条意见建议待归并为项目或答复") in office
    assert (
        "overdue",
        f"{t}/implementation/projects/{county.projects[0]}",
        "《项目0》已超过完成期限（2026年6月30日）",
    ) in office

    government = await todo(county, "government")
    assert (
        "work_plan",
        f"{t}/implementation/projects/{county.projects[1]}",
        "《项目1》的工作方案应于2026年2月5日前报送",
    ) in government
    assert not any(
        key == "work_plan" and county.projects[0].hex in href.replace("-", "") for key, href, _ in government
    )
    assert all(key != "suggestions" for key, _href, _text in government), "the government does not handle the inbox"

    committee = await todo(county, "standing_committee")
    assert ("supervision_plan", f"{t}/supervision/plan?year=2026", "2026年度监督计划待通过") in committee

    presidium = await todo(county, "presidium")
    assert ("round", f"{t}/congress/sessions/{county.session_id}", "票决《票决》已准备好，待开始") in presidium
    assert all(key != "supervision_plan" for key, _href, _text in presidium), "a county's presidium does not adopt it"

    deputy = await todo(county, "deputy")
    assert ("ratings", f"{t}/evaluations", "1 个项目待您进行满意度测评") in deputy

    assert await todo(county, "teller") == []
