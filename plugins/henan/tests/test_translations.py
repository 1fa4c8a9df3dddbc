"""The plugin's own catalog: every text it marks is translated, and the platform shows it in Chinese."""

from __future__ import annotations

from pathlib import Path

import minsheng_henan

from minsheng.testing import Api, catalog_problems, translated

PACKAGE = Path(minsheng_henan.__file__).parent


def test_every_marked_text_is_in_the_catalog_and_translated() -> None:
    assert catalog_problems(PACKAGE) == ([], [])


def test_the_platform_translates_the_plugins_texts() -> None:
    message = "margin of {margin} (差额 {margin} 项) is above the allowed maximum of {maximum} (差额 {maximum} 项)"
    assert translated(message, "zh_CN", margin=6, maximum=5) == "差额 6 项，超过允许的最高差额 5 项"
    assert translated(message, "en", margin=6, maximum=5).startswith("margin of 6 (差额 6 项) is above")


async def test_a_refusal_reads_in_chinese_through_the_api(api: Api) -> None:
    await api.create_tenant("ha", "province")
    await api.create_tenant("pds", "city", "ha")
    await api.create_tenant("bf", "county", "pds", name="宝丰县", plugins=["henan-baofeng"])
    await api.add_member("bf", "bf-clerk", ["tenant_admin"])
    answer = await api.client.get(
        "/api/v1/t/bf/rules/margin?seats=10&candidates=16", headers=await api.headers("bf-clerk")
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["reason"] == "差额 6 项，超过允许的最高差额 5 项"
