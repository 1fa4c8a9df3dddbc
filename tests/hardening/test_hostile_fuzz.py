"""A property-based fuzz test (Hypothesis) of public and staff operations with hostile strings on
PostgreSQL: NUL and other control characters, lone surrogates, RTL marks, 200 KB strings, deep JSON,
in JSON bodies, forms, query and path parameters. No case may get a server error (5xx).

Hypothesis draws the cases (deterministic: derandomized, no example database); they are then sent to
the app in-process, each by a client from an address of its own so rate limits do not hide the rest.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from minsheng.testing import Api

pytestmark = pytest.mark.postgres


@pytest.fixture
def backend() -> str:
    # PostgreSQL is where NUL and surrogates used to end in a 500.
    return "postgres"


CASES = 2000
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HOSTILE = st.sampled_from(
    [
        "\x00",
        "\x01\x02\x1b",
        "\x7f\x85\x9f",
        "\ud800",
        "\udfff\ud800",
        "\ufffe\uffff",
        "\u202e\u200f\u061c",
        "\t\r\n",
        "%00",
        "'; DROP TABLE suggestions; --",
        "<script>alert(1)</script>",
        '=HYPERLINK("x")',
        "中文建议" * 3,
        "x" * 200_000,
    ]
)
TEXT = st.one_of(HOSTILE, st.text(max_size=40), st.builds(lambda a, b: a + b, st.text(max_size=10), HOSTILE))
DEEP = st.integers(min_value=30, max_value=5000).map(lambda n: "[" * n + "]" * n)

# (method, path with {slug}/{value}, where the hostile value goes)
OPERATIONS = [
    ("POST", "/api/v1/auth/token", "json:username"),
    ("POST", "/api/v1/auth/token", "json:password"),
    ("POST", "/api/v1/t/{slug}/suggestions", "json:content"),
    ("POST", "/api/v1/t/{slug}/suggestions", "json:place"),
    ("POST", "/api/v1/t/{slug}/suggestions", "json:contact_name"),
    ("POST", "/api/v1/t/{slug}/suggestions", "raw"),
    ("GET", "/api/v1/t/{slug}/suggestions/{value}", "path"),
    ("GET", "/api/v1/t/{slug}/suggestions", "query:q"),
    ("GET", "/api/v1/t/{slug}/audit", "query:action"),
    ("GET", "/api/v1/t/{slug}/projects", "query:status"),
    ("POST", "/api/v1/t/{slug}/projects", "json:title"),
    ("POST", "/api/v1/t/{slug}/suggestions/batch", "json:batch"),
    ("POST", "/login", "form:username"),
    ("GET", "/t/{slug}", "query:q"),
    ("GET", "/t/{slug}/suggest", "query:place"),
]
CASE = st.tuples(st.sampled_from(OPERATIONS), st.one_of(TEXT, DEEP), st.booleans())


def _draw() -> list[tuple[tuple[str, str, str], str, bool]]:
    cases: list[tuple[tuple[str, str, str], str, bool]] = []

    @settings(
        max_examples=CASES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(CASE)
    def collect(case: tuple[tuple[str, str, str], str, bool]) -> None:
        cases.append(case)

    collect()
    return cases


def _request(operation: tuple[str, str, str], value: str, slug: str) -> dict[str, Any]:
    method, template, where = operation
    # A URL carries at most a few KB (the HTTP client refuses more): long values go in bodies only.
    encoded = quote(value[:2000].encode("utf-8", "surrogatepass"), safe="") or "x"
    path = template.format(slug=slug, value=encoded)
    kind, _, field = where.partition(":")
    if kind == "query":
        return {"method": method, "url": f"{path}?{field}={encoded}"}
    if kind == "form":
        form = f"{field}={quote(value.encode('utf-8', 'surrogatepass'), safe='')}&password=x".encode()
        return {"method": method, "url": path, "content": form, "headers": FORM}
    if kind == "raw":
        content = value.encode("utf-8", "surrogatepass")
        return {"method": method, "url": path, "content": content, "headers": JSON}
    if kind == "json":
        body: Any = {"content": "村道需要修", field: value}
        if field == "batch":
            body = {"suggestions": [{"content": value}]}
        elif template.endswith("/token"):
            body = {"username": "fuzz", "password": "x", field: value}
        elif template.endswith("/projects"):
            body = {"title": value, "content": "内容", "category": "roads_transport"}
        return {"method": method, "url": path, "content": json.dumps(body).encode(), "headers": JSON}
    return {"method": method, "url": path}


async def test_no_hostile_input_gets_a_server_error(api: Api, client_from: Any) -> None:
    await api.create_tenant("fuzz", "province")
    await api.add_member("fuzz", "fuzz-staff", ["tenant_admin"])
    staff = await api.headers("fuzz-staff")
    cases = _draw()
    assert len(cases) >= CASES
    failures = []
    for number, (operation, value, as_staff) in enumerate(cases):
        request = _request(operation, value, "fuzz")
        headers = {**request.pop("headers", {}), **(staff if as_staff else {})}
        async with client_from(f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}") as client:
            response = await client.request(**request, headers=headers)
        if response.status_code >= 500:
            failures.append((operation, value[:80], response.status_code, response.text[:200]))
    assert failures == [], failures[:5]
