"""Schemathesis fuzzes every operation of the OpenAPI schema and finds no 5xx.

The schema is the app's own (``/api/v1/schema/openapi.json``; the test checks the served document is the
one fuzzed). The app runs on SQLite in-process: schemathesis' ASGI transport runs its lifespan on a
thread of its own. Before fuzzing, another instance of the app seeds the same database: a platform
operator, a tree (province, city, county, township), a member, an uploaded file and an export job.
Every case carries a bearer token (the operator's most of the time, otherwise a member's or one that
is not valid), and path parameters often name what exists, so operations are reached beyond 401 and 404.

The checks: no 5xx, and every response conforms to the documented schema (status code documented,
content type, headers and body schema); besides, input the schema forbids is refused with a 4xx, and
an undeclared method gets 405 with ``Allow``. Generation is bounded (``MAX_EXAMPLES`` per operation in
the fuzzing phase, plus schemathesis' examples and coverage phases) and deterministic (a fixed seed,
derandomized Hypothesis, no example database); Hypothesis' deadline is off, and so is its timing
health check, so a slow CI machine cannot make it fail.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import hypothesis.strategies as st
import pytest
import schemathesis
from litestar import Litestar
from schemathesis.python import asgi

from minsheng.app import create_app
from minsheng.testing import PASSWORD, Api, make_settings, running

SCHEMA_URL = "/api/v1/schema/openapi.json"
MAX_EXAMPLES = 15
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "unsupported_method",
    "missing_required_header",
)
OPERATOR = "fuzz-operator"
MEMBER = "fuzz-member"
TREE = (
    ("fuzz-prov", "province", None),
    ("fuzz-city", "city", "fuzz-prov"),
    ("fuzz-county", "county", "fuzz-city"),
    ("fuzz-town", "township", "fuzz-county"),
)
TOWNSHIP = TREE[-1][0]
# Who sends a case: mostly the operator (every operation is reachable), sometimes a member of the
# township only, sometimes a token that is not valid.
CALLERS = ("operator", "operator", "operator", "member", "stranger")
# The smallest PNG header content sniffing recognises.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@dataclass(frozen=True)
class Seeded:
    """The app under test and what exists in its database before fuzzing starts."""

    app: Litestar
    tokens: dict[str, str]
    known: dict[str, tuple[str, ...]]


# Filled by the ``seeded`` fixture, read by the generation hooks below while cases are drawn.
SEEDED: dict[str, Seeded] = {}

# The schema is taken from an app that is built but never started: no database at collection time.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 8,
        "suppress-health-check": ["too_slow"],
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    }
)
RAW_SCHEMA = create_app(make_settings(Path("unused"))).openapi_schema.to_schema()
schema = schemathesis.openapi.from_dict(RAW_SCHEMA, config=CONFIG)


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Path parameters often name a seeded tenant, file or job; otherwise they stay fuzzed (404)."""
    if not path_parameters:
        return st.just(path_parameters)
    known = SEEDED["app"].known
    choices = {name: st.sampled_from([*known.get(name, ()), value]) for name, value in path_parameters.items()}
    return st.fixed_dictionaries(choices)


@schema.hook
def flatmap_case(context: Any, case: Any) -> Any:
    """Each case is sent by one of the callers, with their bearer token."""
    tokens = SEEDED["app"].tokens

    def sent_by(caller: str) -> Any:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {tokens[caller]}"}
        return case

    return st.sampled_from(CALLERS).map(sent_by)


async def _seed(app: Litestar) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    async with running(app):
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
            served = await client.get(SCHEMA_URL)
            assert served.json() == RAW_SCHEMA, "the fuzzed schema is the one the app serves"
            api = Api(client=client, app=app)
            await api.make_user(OPERATOR, platform_admin=True)
            for slug, level, parent in TREE:
                await api.create_tenant(slug, level, parent)
            await api.add_member(TOWNSHIP, MEMBER, ["deputy"])
            operator = await api.headers(OPERATOR)
            upload = await client.post(
                f"/api/v1/t/{TOWNSHIP}/files", files={"data": ("pixel.png", PNG, "image/png")}, headers=operator
            )
            assert upload.status_code == 201, upload.text
            export = await client.post(f"/api/v1/t/{TOWNSHIP}/audit/exports", headers=operator)
            assert export.status_code == 202, export.text
            tokens = {
                "operator": await api.token(OPERATOR),
                "member": await api.token(MEMBER),
                "stranger": "not-a-valid-token",
            }
            known = {
                "slug": tuple(slug for slug, _, _ in TREE),
                "file_id": (upload.json()["id"],),
                "job_id": (export.json()["job_id"],),
            }
            return tokens, known


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    settings = make_settings(tmp_path_factory.mktemp("schemathesis"))
    tokens, known = asyncio.run(_seed(create_app(settings)))
    # A fresh instance of the app over the same database is fuzzed; schemathesis starts its lifespan.
    SEEDED["app"] = Seeded(app=create_app(settings), tokens=tokens, known=known)
    yield SEEDED["app"]
    # schemathesis' pytest plugin ends the app's lifespan after each operation's test.
    SEEDED.clear()


def _fresh_token(app: Litestar) -> str:
    with asgi.get_client(app) as client:  # type: ignore[arg-type]
        response = client.post("/api/v1/auth/token", json={"username": MEMBER, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])


@schema.parametrize()
def test_no_server_error_and_every_response_matches_the_schema(case: Any, seeded: Seeded) -> None:
    headers = dict(case.headers or {})
    if case.operation.path == "/api/v1/auth/logout":
        # Logging out revokes the token it is sent with: this case gets a token of its own.
        headers["Authorization"] = f"Bearer {_fresh_token(seeded.app)}"
    else:
        # Cases built without the hooks (the examples and coverage phases) are the operator's.
        headers.setdefault("Authorization", f"Bearer {seeded.tokens['operator']}")
    case.headers = headers
    case.call_and_validate(app=seeded.app)
