"""Every answer carries a strict CSP (no inline script), no framing, a same-origin referrer and, over
https, HSTS; pages carry no inline script or handler; ``/metrics`` answers only with its token."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import httpx
import pytest

from minsheng.settings import Settings
from minsheng.testing import Api

TEMPLATES = Path(__file__).resolve().parents[2] / "platform" / "minsheng" / "web" / "templates"
TOKEN = "metrics-token-for-prometheus-only"


@pytest.fixture
async def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, metrics_token=TOKEN)


async def test_pages_errors_and_the_api_carry_the_security_headers(api: Api) -> None:
    for path in ("/login", "/health", "/api/v1/no/such", "/api/v1/t/x/suggestions/A%00B"):
        response = await api.client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in response.headers  # plain http
    transport = httpx.ASGITransport(app=api.app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver.local") as secure:
        assert "max-age=" in (await secure.get("/login")).headers["strict-transport-security"]


def test_no_template_runs_an_inline_script_or_handler() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (template, tag)
        assert not re.search(r"\son[a-z]+=\"", text), template


async def test_metrics_answer_only_with_their_token(api: Api) -> None:
    await api.client.get("/health")
    assert (await api.client.get("/metrics")).status_code == 401
    wrong = await api.client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    metrics = await api.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert metrics.status_code == 200
    assert "requests_total{" in metrics.text and 'app_name="minsheng"' in metrics.text
