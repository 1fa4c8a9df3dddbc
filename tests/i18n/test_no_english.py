"""No English in zh-CN: every page, as every role and as a citizen, reads in Chinese.

The demo year of 赵庄镇 (seeded through the services) gives every page something to show, and the roles
it has no login of (the clerk, scrutineers, a county's standing committee) are added. Each role
logs in through the form and follows every same-site link from its tenant's home, GET only, each
kind of page once; a citizen does the same without logging in. On each page the visible text (and the
texts a screen reader speaks: ``title``, ``aria-label``, ``alt``, ``placeholder``) must hold no Latin
word outside :data:`ALLOWED`: codes, units and proper names, URLs and the data the test itself made
(user names, tenant codes). Framework refusals (a bad query parameter) are checked the same way.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections import deque
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from sqlalchemy import select

from minsheng.accounts import services as accounts
from minsheng.accounts.models import Membership, User
from minsheng.collection.rules import CODE_ALPHABET, CODE_LENGTH
from minsheng.demo import script
from minsheng.settings import Settings
from minsheng.tenancy import services as tenancy
from minsheng.testing import PASSWORD, running, shared_app

TOWNSHIP = script.TOWNSHIP
COUNTY = "baofeng"
# Codes, units and proper names an office writes in Latin letters, and the language switch's "EN".
ALLOWED = frozenset(
    {
        "PDF",
        "DOCX",
        "Excel",
        "Word",
        "WPS",
        "SHA",
        "QR",
        "EN",
        "GB",
        "ID",
        "km",
        "kg",
        "m",
        "cm",
        "Q",
        "YYYY",
        "MM",
        "DD",
    }
    | {"pdf", "docx", "xlsx", "zip", "yaml", "JSON", "YAML"}  # file names' extensions and formats
)
# Members added for the roles the demo has no login of: (username, tenant, roles).
EXTRA_MEMBERS = (
    ("zhaozhuang-clerk", TOWNSHIP, ["clerk"]),
    ("zhaozhuang-chief-scrutineer", TOWNSHIP, ["chief_scrutineer"]),
    ("zhaozhuang-scrutineer", TOWNSHIP, ["scrutineer"]),
    ("baofeng-standing", COUNTY, ["standing_committee"]),
    ("baofeng-clerk", COUNTY, ["clerk"]),
)
SKIPPED = ("/logout", "/static/", "/lang/", "/api/")
MAX_PAGES = 150
HREF = re.compile(r'\bhref="([^"]*)"')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
SPOKEN = re.compile(r'\b(?:title|aria-label|alt|placeholder)="([^"]*)"')
SUBMIT = re.compile(r'<input[^>]*type="submit"[^>]*value="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
URL = re.compile(r"(?:https?://|/)[\w./?=&%:-]*|\b[\w.-]+/[\w*./-]+")  # addresses and file paths
LATIN = re.compile(r"[A-Za-z]+")
# Codes: a tracking code, an operator's setting (MINSHENG_PUBLIC_URL).
CODES = (re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}"), re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+"))


def shape(url: str) -> str:
    parts = urlsplit(url)
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return UUID.sub("{id}", parts.path) + ("?" + "&".join(names) if names else "")


def visible_text(page: str) -> str:
    """What a reader sees or hears of a page: its text and its spoken attributes, entities decoded."""
    body = HIDDEN.sub(" ", page)
    spoken = " ".join(SPOKEN.findall(body) + SUBMIT.findall(body))
    return html.unescape(TAG.sub(" ", body) + " " + spoken)


def latin_words(text: str, data: Iterable[str]) -> set[str]:
    """The Latin words of ``text`` that are neither allowed nor part of the test's own data or a code."""
    known = set(data)
    # A name like "baofeng-admin" (a user or tenant code in the office's own pattern) is data too.
    parts = {part for value in known for part in value.split("-") if len(part) > 2}
    found = set()
    for token in re.findall(r"[A-Za-z0-9_.-]+", URL.sub(" ", text)):
        token = token.strip(".-")
        if token in known or any(pattern.fullmatch(token) for pattern in CODES):
            continue
        if "-" in token and (any(ch.isdigit() for ch in token) or parts & set(token.split("-"))):
            continue
        if any(ch.isdigit() for ch in token) and (token.upper() == token or len(token) >= 6):
            continue  # a receipt, a quarter (2026Q1), a version
        found.update(word for word in LATIN.findall(token) if word not in ALLOWED)
    return found


async def order_posters(client: httpx.AsyncClient, slug: str) -> str:
    """Order the QR posters from the documents page as a clerk would; the job page it leads to."""
    page = await client.get(f"/t/{slug}/staff/documents")
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    form = {"kind": "qr_posters", "format": "pdf", "_csrf_token": csrf.group(1)}
    ordered = await client.post(f"/t/{slug}/staff/documents", data=form)
    assert ordered.status_code == 303, ordered.text
    return str(ordered.headers["location"])


def links(page_url: str, page: str) -> list[str]:
    found = []
    for href in HREF.findall(page):
        href = html.unescape(href)
        if href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(urljoin(page_url, href))
        if parts.netloc != "testserver.local" or parts.path.startswith(SKIPPED):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


async def crawl(client: httpx.AsyncClient, starts: list[str]) -> dict[str, str]:
    """Breadth first from ``starts``, each kind of page once: the HTML of each page that answered 200."""
    pages: dict[str, str] = {}
    shapes: set[str] = set()
    queue = deque(starts)
    while queue and len(shapes) < MAX_PAGES:
        url = queue.popleft()
        if shape(url) in shapes:
            continue
        shapes.add(shape(url))
        response = await client.get(url, headers={"Accept": "text/html", "Accept-Language": "zh-CN"})
        if response.is_redirect:
            queue.append(response.headers["location"])
        elif response.status_code == 200 and "text/html" in response.headers.get("content-type", ""):
            pages[url] = response.text
            queue.extend(links(f"http://testserver.local{url}", response.text))
    return pages


@pytest.fixture
def demo_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, seed_demo=True)


async def test_every_page_reads_in_chinese_for_every_role_and_for_citizens(demo_settings: Settings) -> None:
    app = shared_app(demo_settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]

        def browser() -> httpx.AsyncClient:
            return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")

        logins = json.loads((demo_settings.data_dir / "demo-users.json").read_text(encoding="utf-8"))
        passwords = {name: str(info["password"]) for name, info in logins.items()}
        # Written directly: which roles the account pages offer is not what this test is about.
        async with app.state.services.database.session() as session:
            for username, slug, roles in EXTRA_MEMBERS:
                tenant = await tenancy.get_by_slug(session, slug)
                user = await accounts.create_user(session, username, PASSWORD, display_name="成员")
                session.add(Membership(tenant_id=tenant.id, user_id=user.id, roles=roles))
                passwords[username] = PASSWORD
        async with app.state.services.database.session() as session:
            usernames = set((await session.execute(select(User.username))).scalars())
        # Names the office chose or typed: user names, tenant codes, plugin names.
        data = {*usernames, TOWNSHIP, COUNTY, "henan", *app.state.services.plugins.plugin_names()}

        seen: dict[str, dict[str, str]] = {}
        async with browser() as citizen:
            seen["citizen"] = await crawl(citizen, [f"/t/{TOWNSHIP}/", f"/t/{TOWNSHIP}/portal", f"/t/{COUNTY}/"])
        for username, password in passwords.items():
            slug = COUNTY if username.startswith(("county", "baofeng", "operator")) else TOWNSHIP
            async with browser() as client:
                page = await client.get("/login")
                csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
                assert csrf is not None
                form = {"username": username, "password": password, "_csrf_token": csrf.group(1)}
                assert (await client.post("/login", data=form)).status_code == 303, username
                starts = ["/home", f"/t/{slug}/", f"/t/{slug}/oversight"]
                if username == script.ADMIN:
                    # A document ordered from its page: the job page follows it, and names what it does.
                    starts.append(await order_posters(client, slug))
                seen[username] = await crawl(client, starts)

        # A parameter the framework refuses is explained in Chinese too, on a page and in the API.
        async with browser() as client:
            bad = await client.get(f"/t/{TOWNSHIP}/portal?year=abc", headers={"Accept": "text/html"})
            assert bad.status_code == 422
            seen["citizen"][f"/t/{TOWNSHIP}/portal?year=abc"] = bad.text
            api_bad = await client.get(f"/api/v1/t/{TOWNSHIP}/public/projects?year=abc&page=0")
            assert api_bad.status_code == 422
            assert not latin_words(api_bad.json()["detail"], ()), api_bad.json()

    offending: dict[str, set[str]] = {}
    for who, pages in seen.items():
        for url, page in pages.items():
            words = latin_words(visible_text(page), data)
            if words:
                offending.setdefault(f"{who} {shape(url)}", set()).update(words)
    kinds = {shape(url) for pages in seen.values() for url in pages}
    assert len(kinds) > 40 and len(seen) == len(passwords) + 1, (len(kinds), sorted(seen))  # + the citizen
    assert not offending, json.dumps({k: sorted(v) for k, v in sorted(offending.items())}, ensure_ascii=False, indent=1)


def test_the_check_finds_english_and_lets_codes_names_and_data_pass() -> None:
    page = (
        '<p title="Mark one">第一条</p><script>var x = "ignored";</script>'
        "<p>追踪码 7KQ3M9WXYZ，回执 8f3afdf2c1，2026Q1，下载 PDF 或 Excel，名册.xlsx，https://example.cn/a</p>"
        "<p>操作人 zhaozhuang-admin，示例 zhaozhuang-clerk</p><button>Submit</button><p>face-to-face</p>"
    )
    assert latin_words(visible_text(page), {"zhaozhuang-admin"}) == {"Mark", "one", "Submit", "face", "to"}
    assert latin_words(visible_text("<p>办理完毕</p>"), ()) == set()
