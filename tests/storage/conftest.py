"""A real S3-protocol server for the storage tests: moto in server mode, one per test session."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from minsheng.settings import S3Settings
from minsheng.storage import LocalObjectStore, ObjectStore, S3ObjectStore


@pytest.fixture(scope="session")
def s3_settings() -> Iterator[S3Settings]:
    """Start moto's S3 server on a free port of 127.0.0.1 and give settings that reach it."""
    # Port 0: the system picks a free port while binding, so two test runs never race for one.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield S3Settings(
            endpoint=f"{host}:{port}",
            access_key="minsheng-test",
            secret_key="minsheng-test-secret",
            bucket="minsheng-test",
            secure=False,
            region="us-east-1",
        )
    finally:
        server.stop()


async def _s3_store(settings: S3Settings) -> S3ObjectStore:
    # A bucket of its own per test, so tests never see each other's objects.
    bucket = f"test-{uuid.uuid4().hex[:20]}"
    store = S3ObjectStore.from_settings(dataclasses.replace(settings, bucket=bucket))
    await store.ensure_bucket()
    return store


async def _local_store(root: Path) -> LocalObjectStore:
    store = LocalObjectStore(root)
    await store.ensure_root()
    return store


@pytest.fixture
async def s3_store(s3_settings: S3Settings) -> S3ObjectStore:
    """An S3 store on a fresh bucket of the session's moto server."""
    return await _s3_store(s3_settings)


@pytest.fixture
async def local_store(tmp_path: Path) -> LocalObjectStore:
    """A local-disk store under the test's temporary directory."""
    return await _local_store(tmp_path / "objects")


@pytest.fixture(params=["local", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path, s3_settings: S3Settings) -> ObjectStore:
    """Each backend in turn: the tests that use this state what every ObjectStore must do."""
    if request.param == "local":
        return await _local_store(tmp_path / "objects")
    return await _s3_store(s3_settings)
