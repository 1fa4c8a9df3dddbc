"""What every ObjectStore does, on local disk and on a real S3-protocol server (moto)."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from minsheng.storage import (
    InvalidKey,
    LocalObjectStore,
    ObjectNotFound,
    ObjectStore,
    S3ObjectStore,
    safe_filename,
    tenant_key,
)

CHINESE_NAME = "2024年民生实事项目（第一批）候选项目.pdf"
PDF_BYTES = "%PDF-1.4\n% 民生实事\n%%EOF\n".encode()

ESCAPING_KEYS = [
    "../outside",
    "t/1/../../outside",
    "/etc/passwd",
    "t\\1\\outside",
    "t/1/na\x00me",
    "t/1/line\nbreak",
    "",
    "t//1",
    "t/1/",
    "t/1/.",
    ".partial-x",
]


async def test_round_trip_with_a_chinese_file_name(store: ObjectStore) -> None:
    key = tenant_key(7, "uploads", "a1b2", safe_filename(CHINESE_NAME))
    assert key == "t/7/uploads/a1b2/2024年民生实事项目_第一批_候选项目.pdf"

    stored = await store.put(key, PDF_BYTES, "application/pdf")

    assert (stored.key, stored.size, stored.content_type) == (key, len(PDF_BYTES), "application/pdf")
    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert await store.get(key) == PDF_BYTES
    assert await store.exists(key)
    assert await store.list("t/7/") == [key]

    await store.delete(key)

    assert not await store.exists(key)
    assert await store.list("t/7/") == []
    with pytest.raises(ObjectNotFound):
        await store.get(key)


async def test_put_replaces_the_object_whole(store: ObjectStore) -> None:
    key = tenant_key(1, "plan.docx")
    await store.put(key, b"first version, longer than the second", "application/octet-stream")
    await store.put(key, b"second", "application/octet-stream")
    assert await store.get(key) == b"second"
    assert await store.list("") == [key]


async def test_deleting_a_missing_object_is_not_an_error(store: ObjectStore) -> None:
    await store.delete(tenant_key(1, "never-stored.pdf"))


async def test_list_is_a_string_prefix_and_sorted(store: ObjectStore) -> None:
    keys = [tenant_key(1, "uploads", "b.pdf"), tenant_key(1, "uploads", "a.pdf"), tenant_key(1, "docs", "c.pdf")]
    for key in keys:
        await store.put(key, b"x", "application/pdf")
    assert await store.list("t/1/up") == ["t/1/uploads/a.pdf", "t/1/uploads/b.pdf"]
    assert await store.list("t/1/") == sorted(keys)
    assert await store.list("t/2/") == []


async def test_deleting_a_tenant_leaves_tenants_with_longer_ids(store: ObjectStore) -> None:
    first, tenth = tenant_key(1, "a.pdf"), tenant_key(10, "a.pdf")
    await store.put(first, b"1", "application/pdf")
    await store.put(tenth, b"10", "application/pdf")

    await store.delete_prefix("t/1/")

    assert await store.list("") == [tenth]


async def test_deleting_a_prefix_that_is_not_a_folder_is_refused(store: ObjectStore) -> None:
    # "t/1" would also take t/10, t/11 ...
    await store.put(tenant_key(10, "a.pdf"), b"10", "application/pdf")
    for prefix in ("t/1", "", "/", "../"):
        with pytest.raises(InvalidKey):
            await store.delete_prefix(prefix)
    assert await store.exists(tenant_key(10, "a.pdf"))


@pytest.mark.parametrize("key", ESCAPING_KEYS)
async def test_keys_escaping_the_root_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        await store.put(key, b"x", "text/plain")
    with pytest.raises(InvalidKey):
        await store.get(key)
    with pytest.raises(InvalidKey):
        await store.exists(key)
    with pytest.raises(InvalidKey):
        await store.delete(key)
    with pytest.raises(InvalidKey):
        await store.download_url(key, "x.txt", timedelta(minutes=5))
    assert await store.list("") == []


async def test_listing_outside_the_root_is_refused(store: ObjectStore) -> None:
    for prefix in ("../", "/etc/", "t/../"):
        with pytest.raises(InvalidKey):
            await store.list(prefix)


async def test_s3_download_url_serves_the_file_under_its_chinese_name(s3_store: S3ObjectStore) -> None:
    key = tenant_key(7, "uploads", "a1b2", "report.pdf")
    await s3_store.put(key, PDF_BYTES, "application/pdf")

    url = await s3_store.download_url(key, CHINESE_NAME, timedelta(minutes=5))

    assert url is not None
    async with httpx.AsyncClient() as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert response.content == PDF_BYTES
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(safe_filename(CHINESE_NAME), safe='')}" in disposition
    assert disposition.isascii()


async def test_s3_download_url_cannot_outlive_seven_days(s3_store: S3ObjectStore) -> None:
    with pytest.raises(ValueError):
        await s3_store.download_url(tenant_key(1, "a.pdf"), "a.pdf", timedelta(days=8))


async def test_s3_records_the_digest_with_the_object(s3_store: S3ObjectStore) -> None:
    stored = await s3_store.put(tenant_key(1, "a.pdf"), PDF_BYTES, "application/pdf")
    stat = s3_store.client.stat_object(s3_store.bucket, stored.key)
    assert stat.metadata is not None
    assert stat.metadata["x-amz-meta-sha256"] == stored.sha256
    assert stat.content_type == "application/pdf"


async def test_ensure_bucket_twice_is_harmless(s3_store: S3ObjectStore) -> None:
    await s3_store.ensure_bucket()


async def test_local_download_url_is_none_so_the_app_streams_the_file(local_store: LocalObjectStore) -> None:
    key = tenant_key(1, "a.pdf")
    await local_store.put(key, PDF_BYTES, "application/pdf")
    assert await local_store.download_url(key, CHINESE_NAME, timedelta(minutes=5)) is None


async def test_local_put_leaves_no_partial_files(local_store: LocalObjectStore) -> None:
    key = tenant_key(1, "uploads", "a.pdf")
    await local_store.put(key, PDF_BYTES, "application/pdf")
    folder = local_store.root / "t" / "1" / "uploads"
    assert os.listdir(folder) == ["a.pdf"]
    assert (folder / "a.pdf").stat().st_mode & 0o077 == 0


async def test_local_symlink_out_of_the_root_is_refused(local_store: LocalObjectStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (local_store.root / "t").mkdir()
    (local_store.root / "t" / "1").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidKey):
        await local_store.put("t/1/a.pdf", b"x", "application/pdf")
    with pytest.raises(InvalidKey):
        await local_store.list("t/1/")
    assert list(outside.iterdir()) == []


async def test_local_delete_prefix_removes_the_emptied_folders(local_store: LocalObjectStore) -> None:
    await local_store.put(tenant_key(3, "uploads", "x", "a.pdf"), b"x", "application/pdf")
    await local_store.delete_prefix("t/3/")
    assert not (local_store.root / "t" / "3").exists()
