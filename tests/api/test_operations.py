"""Operations: health, readiness, Prometheus metrics, request ids, the OpenAPI schema."""

from __future__ import annotations

from minsheng.testing import Api


async def test_health_ready_metrics_and_request_id(api: Api) -> None:
    health = await api.client.get("/health")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert len(health.headers["x-request-id"]) >= 8
    echoed = await api.client.get("/health", headers={"X-Request-ID": "trace-123"})
    assert echoed.headers["x-request-id"] == "trace-123"
    ready = await api.client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"
    # Off without MINSHENG_METRICS_TOKEN (tests/hardening/test_headers_and_metrics.py turns it on).
    assert (await api.client.get("/metrics")).status_code == 404


async def test_openapi_schema_lists_the_contract_paths(api: Api) -> None:
    schema = (await api.client.get("/api/v1/schema/openapi.json")).json()
    for path in (
        "/api/v1/auth/token",
        "/api/v1/admin/tenants",
        "/api/v1/admin/tenants/{slug}/users",
        "/api/v1/t/{slug}/categories",
    ):
        assert path in schema["paths"], path


async def test_unknown_paths_are_translated_problem_details(api: Api) -> None:
    response = await api.client.get("/api/v1/no/such/path")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "未找到"
