"""an SM3 chain verifies; tampering is detected; the switch from SHA-256 is recorded."""

from __future__ import annotations

import asyncio

from minsheng_guomi import sm3_hex

from minsheng.testing import Api, cli_environment, installed_plugins, run_minsheng, verifier_digests


def test_sm3_matches_the_standard_test_vectors() -> None:
    # GB/T 32905-2016, appendix A: "abc" and "abcd" repeated 16 times.
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_the_plugin_is_installed_and_offers_sm3_to_the_verifier() -> None:
    assert "guomi-sm3" in installed_plugins()
    assert verifier_digests()["sm3"] is sm3_hex


def verify(api: Api, slug: str) -> tuple[int, str]:
    return run_minsheng(["verify", "--tenant", slug], cli_environment(api.services.settings))


async def events(api: Api, slug: str, user: str) -> list[dict]:
    page = await api.client.get(f"/api/v1/t/{slug}/audit?per_page=100", headers=await api.headers(user))
    return list(reversed(page.json()["items"]))


async def test_switching_to_sm3_starts_a_recorded_segment_and_the_chain_verifies(api: Api) -> None:
    await api.create_tenant("prov", "province")
    await api.create_tenant("city", "city", "prov")
    await api.add_member("city", "clerk", ["tenant_admin"])
    before = await events(api, "city", "clerk")
    assert {e["algorithm"] for e in before} == {"sha256"}

    operator = await api.operator()
    switched = await api.client.patch("/api/v1/admin/tenants/city", json={"plugins": ["guomi-sm3"]}, headers=operator)
    assert switched.status_code == 200, switched.text
    await api.add_member("city", "deputy", ["deputy"])
    chain = await events(api, "city", "clerk")
    assert chain[: len(before)] == before, "the SHA-256 segment is never rewritten"
    switch = chain[len(before)]
    assert switch["action"] == "audit.algorithm_changed"
    assert switch["payload"] == {"from": "sha256", "to": "sm3"}
    assert switch["prev_digest"] == before[-1]["digest"]
    assert {e["algorithm"] for e in chain[len(before) :]} == {"sm3"}
    assert all(len(e["digest"]) == 64 for e in chain)

    code, output = await asyncio.to_thread(verify, api, "city")
    assert code == 0, output
    # A neighbour without the plugin keeps SHA-256.
    await api.create_tenant("city-b", "city", "prov")
    await api.add_member("city-b", "clerk-b", ["tenant_admin"])
    assert {e["algorithm"] for e in await events(api, "city-b", "clerk-b")} == {"sha256"}

    # Tampering with one SM3 event is found at that event.
    tampered = chain[-1]["seq"]
    tenant_id = (await api.client.get("/api/v1/t/city/", headers=await api.headers("clerk"))).json()["id"]
    await api.alter_audit_event(tenant_id, tampered, actor="mallory")
    code, output = await asyncio.to_thread(verify, api, "city")
    assert code == 1
    assert f"BROKEN at event {tampered}" in output
