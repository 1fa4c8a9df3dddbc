"""Through the API, on local disk and on a real S3-protocol server (moto):
a round trip works; an oversized file and a file whose content does not match its claimed type are
refused with a clear error, and nothing is stored."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from minsheng.app import create_app
from minsheng.settings import S3Settings
from minsheng.testing import Api, make_settings, running

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(params=["local", "s3"])
async def upload_api(request: pytest.FixtureRequest, tmp_path: Path, s3_settings: S3Settings) -> AsyncIterator[Api]:
    settings = make_settings(tmp_path, max_upload_bytes=64 * 1024)
    if request.param == "s3":
        bucket = f"uploads-{id(request)}"
        settings = dataclasses.replace(settings, s3=dataclasses.replace(s3_settings, bucket=bucket))
    app = create_app(settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
            api = Api(client=client, app=app)
            await api.create_tenant("prov", "province")
            await api.add_member("prov", "clerk", ["tenant_admin"])
            yield api


async def stored_keys(api: Api) -> list[str]:
    return list(await api.services.store.list("t/"))


async def test_round_trip_with_a_chinese_name(upload_api: Api) -> None:
    headers = await upload_api.headers("clerk")
    response = await upload_api.client.post(
        "/api/v1/t/prov/files", files={"data": ("征集情况说明.pdf", PDF, "application/pdf")}, headers=headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["content_type"] == "application/pdf" and body["size"] == len(PDF)
    download = await upload_api.client.get(f"/api/v1/t/prov/files/{body['id']}", headers=headers)
    if download.status_code == 303:  # S3: a short-lived presigned URL
        async with httpx.AsyncClient() as outside:
            fetched = await outside.get(download.headers["location"])
        assert fetched.status_code == 200
        assert fetched.content == PDF
        assert "filename*=UTF-8''" in fetched.headers["content-disposition"]
    else:
        assert download.status_code == 200
        assert download.content == PDF
    assert len(await stored_keys(upload_api)) >= 1


async def test_oversized_and_mismatched_uploads_are_refused_and_nothing_is_stored(upload_api: Api) -> None:
    headers = {**await upload_api.headers("clerk"), "Accept-Language": "en"}
    before = await stored_keys(upload_api)
    too_big = PDF + b"0" * (64 * 1024)
    response = await upload_api.client.post(
        "/api/v1/t/prov/files", files={"data": ("big.pdf", too_big, "application/pdf")}, headers=headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "more than the limit" in response.json()["detail"]
    disguised = await upload_api.client.post(
        "/api/v1/t/prov/files",
        files={"data": ("photo.png", b"just some text, not a picture", "image/png")},
        headers=headers,
    )
    assert disguised.status_code == 422
    zh = await upload_api.client.post(
        "/api/v1/t/prov/files",
        files={"data": ("photo.png", PDF, "image/png")},
        headers=await upload_api.headers("clerk"),
    )
    assert zh.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.json()["detail"]), zh.json()["detail"]
    assert await stored_keys(upload_api) == before
