"""Every role of a township and of a county, a county's administrator in its township, and the platform
operator start at their home and follow every same-site link and form the pages show them:

- no page answers 5xx;
- no link to a route that declares its permission answers 403 (the page offered what it then refused);
- every form (and HTMX request) a page shows targets a route whose declared permission the viewer holds,
  checked against the route table without submitting anything;
- each tenant home shows exactly the sections the permission table opens to the viewer.

Routes that do not declare a permission yet (a context still checking roles itself) are counted and
printed, not judged: once every context declares its permissions, they are judged like the others.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin, urlsplit

import httpx
from litestar import Litestar
from navigation.county import ROLES, Congress, County, signed_in
from navigation.routes import declares, route_of

from minsheng.http.scope import PUBLIC, declared
from minsheng.permissions import ANCESTOR_ADMIN, Permission, permissions_of
from minsheng.testing import Api
from minsheng.web.navigation import SECTIONS, sections_for

HREF = re.compile(r'\bhref="([^"]*)"')
FORM = re.compile(r"<form\b([^>]*)>", re.I)
ATTRIBUTE = re.compile(r'\b(method|action)="([^"]*)"', re.I)
HTMX = re.compile(r'\bhx-(get|post|put|patch|delete)="([^"]*)"')
SECTION = re.compile(r'data-section="([a-z_]+)"')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SLUG = re.compile(r"^/t/([^/]+)/")
# Never followed: logging out ends the crawl's session; static files and the language switch are not pages.
SKIPPED = ("/logout", "/static/", "/lang/")
# Forms every page may show whoever the viewer is (the site's own, not a tenant's).
SITE_FORMS = {("POST", "/logout")}
MAX_PAGES = 150


def shape(url: str) -> str:
    """A page's kind: its path with ids blanked and its query's names (one visit per kind is enough)."""
    parts = urlsplit(url)
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return UUID.sub("{id}", parts.path) + ("?" + "&".join(names) if names else "")


def local(page_url: str, target: str) -> str | None:
    """``target`` as a path (and query) of this site, or None for another site or a page fragment."""
    target = unescape(target)
    if target.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(page_url, target))
    if parts.netloc != "testserver.local":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Viewer:
    """Who crawls: the permissions it holds in each tenant (by slug), and elsewhere (``everywhere``)."""

    name: str
    held: dict[str, frozenset[Permission]]
    operator: bool = False
    everywhere: frozenset[Permission] = frozenset()

    def may(self, path: str, permission: Permission) -> bool:
        found = SLUG.match(path)
        return found is not None and permission in self.held.get(found.group(1), self.everywhere)


@dataclass
class Crawl:
    statuses: dict[str, int] = field(default_factory=dict)
    forms: set[tuple[str, str, str]] = field(default_factory=set)  # (page, method, path)
    problems: list[str] = field(default_factory=list)
    undeclared: set[str] = field(default_factory=set)


def forms_of(page_url: str, html: str) -> list[tuple[str, str]]:
    """Every form and HTMX request of a page: ``(METHOD, path)`` (a form without action posts to the page)."""
    found = []
    for attributes in FORM.findall(html):
        values = {name.lower(): value for name, value in ATTRIBUTE.findall(attributes)}
        target = local(page_url, values.get("action") or page_url)
        if target is not None:
            found.append(((values.get("method") or "get").upper(), target))
    for method, target in HTMX.findall(html):
        path = local(page_url, target)
        if path is not None:
            found.append((method.upper(), path))
    return found


async def crawl(app: Litestar, client: httpx.AsyncClient, viewer: Viewer, start: str) -> Crawl:
    """Breadth first from ``start``: GET every link (each kind of page once) and judge every form."""
    seen = Crawl()
    shapes: set[str] = set()
    queue = deque([start])
    while queue and len(seen.statuses) < MAX_PAGES:
        url = queue.popleft()
        if url in seen.statuses or shape(url) in shapes or url.startswith(SKIPPED):
            continue
        shapes.add(shape(url))
        response = await client.get(url, headers={"Accept": "text/html"})
        seen.statuses[url] = response.status_code
        if response.status_code >= 500:
            seen.problems.append(f"GET {url} answered {response.status_code}")
        if response.status_code == 403:
            _judge_refusal(app, seen, url)
        if response.is_redirect:
            queue.append(response.headers["location"])
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        page_url = f"http://testserver.local{url}"
        queue.extend(link for link in map(lambda h: local(page_url, h), HREF.findall(response.text)) if link)
        for method, target in forms_of(page_url, response.text):
            if method == "GET":
                queue.append(target)
            elif (url, method, target) not in seen.forms:
                seen.forms.add((url, method, target))
                _judge_form(app, seen, viewer, url, method, target)
    return seen


def _judge_refusal(app: Litestar, seen: Crawl, url: str) -> None:
    if not declares(app, "GET", url):
        seen.undeclared.add(f"GET {shape(url)}")
    else:
        seen.problems.append(f"GET {url} answered 403 though a page linked to it")


def _judge_form(app: Litestar, seen: Crawl, viewer: Viewer, page: str, method: str, target: str) -> None:
    if (method, target) in SITE_FORMS:
        return
    handler = route_of(app, method, target)
    if handler is None:
        seen.problems.append(f"{page} shows a form to {method} {target}, which no route serves")
        return
    needed = declared(handler)
    if isinstance(needed, Permission):
        if not viewer.may(target, needed):
            seen.problems.append(f"{page} shows a form to {method} {target}, which needs {needed.value}")
    elif needed != PUBLIC:
        if target.startswith("/t/"):
            seen.undeclared.add(f"{method} {shape(target)}")
        elif target.startswith("/admin") and not viewer.operator:
            seen.problems.append(f"{page} shows a console form to {method} {target}")


def member(congress: Congress, role: str, county: County) -> Viewer:
    """The member of ``congress`` holding ``role``; a county's administrator also keeps its township's users."""
    held = {congress.slug: congress.permissions(role)}
    if role == "tenant_admin" and congress is county and county.town is not None:
        held[county.town.slug] = permissions_of([ANCESTOR_ADMIN], county.town.level)
    return Viewer(f"{role}@{congress.level}", held)


async def crawl_as_member(api: Api, county: County, congress: Congress, role: str) -> Crawl:
    viewer = member(congress, role, county)
    async with congress.browser(role) as browser:
        landing = await browser.get("/home")
        assert (landing.status_code, landing.headers.get("location")) == (303, f"/t/{congress.slug}/"), viewer.name
        home = await browser.get(f"/t/{congress.slug}/")
        assert home.status_code == 200, viewer.name
        shown = set(SECTION.findall(home.text))
        expected = {s.key for s in sections_for(viewer.held[congress.slug])}
        assert shown == expected, (viewer.name, shown ^ expected)
        for section in SECTIONS:  # nor is any other section linked from anywhere on the home
            if section.key not in shown:
                assert f'href="{section.href(congress.slug)}"' not in home.text, (viewer.name, section.key)
        # The public links are on every home; the language switch, logout and the own password too.
        for link in (f"/t/{congress.slug}/suggest", "/lang/en?next=", 'action="/logout"', 'href="/account/password"'):
            assert link in home.text, (viewer.name, link)
        return await crawl(api.app, browser, viewer, f"/t/{congress.slug}/")


def report(results: dict[str, Crawl]) -> None:
    """Print what could not be judged yet; fail on every problem found, naming the viewer."""
    for name, seen in results.items():
        if seen.undeclared:
            print(f"{name}: {len(seen.undeclared)} routes declare no permission yet: {sorted(seen.undeclared)}")
    problems = [f"{name}: {problem}" for name, seen in results.items() for problem in seen.problems]
    assert not problems, "\n".join(problems)


async def test_every_role_of_a_township_uses_only_what_its_pages_offer(api: Api, county_and_town: County) -> None:
    town = county_and_town.town
    assert town is not None
    results = {}
    for role in ROLES:
        results[f"{role}@township"] = seen = await crawl_as_member(api, county_and_town, town, role)
        assert len(seen.statuses) > 5, (role, seen.statuses)
    report(results)


async def test_every_role_of_a_county_uses_only_what_its_pages_offer(api: Api, county_and_town: County) -> None:
    results = {}
    for role in ROLES:
        results[f"{role}@county"] = seen = await crawl_as_member(api, county_and_town, county_and_town, role)
        assert len(seen.statuses) > 5, (role, seen.statuses)
    report(results)


async def test_the_operator_uses_only_what_its_pages_offer(api: Api, county_and_town: County) -> None:
    await api.operator()
    town = county_and_town.town
    assert town is not None
    # The operator's row of the table is the same in every tenant, whatever its level.
    everywhere = permissions_of([], town.level, operator=True)
    viewer = Viewer("operator", {town.slug: everywhere}, operator=True, everywhere=everywhere)
    async with signed_in(api, "operator") as browser:
        assert (await browser.get("/home")).headers["location"] == "/admin"
        home = await browser.get(f"/t/{town.slug}/")
        shown = set(SECTION.findall(home.text))
        assert shown == {s.key for s in sections_for(viewer.held[town.slug])}
        assert "vote" not in shown and "rate" not in shown, "the operator holds no office in a tenant"
        results = {"operator": await crawl(api.app, browser, viewer, "/admin/tenants")}
        results["operator@township"] = await crawl(api.app, browser, viewer, f"/t/{town.slug}/")
    report(results)
    assert any(url.startswith(f"/t/{town.slug}/office/users") for url in results["operator@township"].statuses)


async def test_a_county_admin_keeps_its_townships_users_from_its_own_pages(api: Api, county_and_town: County) -> None:
    town = county_and_town.town
    assert town is not None
    viewer = member(county_and_town, "tenant_admin", county_and_town)
    async with county_and_town.browser("tenant_admin") as browser:
        users = await browser.get(f"/t/{county_and_town.slug}/office/users")
        assert f'href="/t/{town.slug}/office/users"' in users.text
        seen = await crawl(api.app, browser, viewer, f"/t/{town.slug}/office/users")
    report({"tenant_admin@county in its township": seen})
    assert seen.statuses[f"/t/{town.slug}/office/users"] == 200
    assert any(form[2].startswith(f"/t/{town.slug}/office/users") for form in seen.forms), "it may add users there"


async def test_staff_pages_share_one_navigation_and_phone_pages_lead_home(api: Api, county: County) -> None:
    async with county.browser("tenant_admin") as browser:
        t = f"/t/{county.slug}"
        for page in ("/staff/suggestions", "/staff/documents", "/congress", "/implementation", "/office/users"):
            response = await browser.get(t + page)
            assert response.status_code == 200, page
            nav = response.text.split('id="staff-nav"', 1)
            assert len(nav) == 2, f"{page} has no shared navigation"
            for area in ("/staff/suggestions", "/congress", "/implementation", "/office/users"):
                assert f'href="{t}{area}"' in nav[1].split("</nav>", 1)[0], (page, area)
    async with county.browser("deputy") as phone:
        vote = await phone.get(f"/t/{county.slug}/vote")
        assert vote.status_code == 200
        assert 'id="staff-nav"' not in vote.text  # the phone page stays simple
        assert 'href="/home"' in vote.text and f'href="/t/{county.slug}/"' in vote.text


async def test_a_member_of_two_congresses_chooses(api: Api, county: County) -> None:
    await api.operator()
    operator = api.browser()
    token = await api.login_form_token(operator)
    login = await operator.post("/login", data={"username": "operator", "password": "x", "_csrf_token": token})
    assert login.status_code == 401  # a wrong password re-shows the form
    await operator.aclose()
    town = await api.create_tenant(f"{county.slug}-other", "township", county.slug, name="另一镇")
    await api.add_member(town["slug"], county.user("deputy"), ["deputy"])
    async with county.browser("deputy") as browser:
        chooser = await browser.get("/home")
        assert chooser.status_code == 200
        assert f'href="/t/{county.slug}/"' in chooser.text and f'href="/t/{town["slug"]}/"' in chooser.text
        assert '<span class="muted">代表</span>' in chooser.text, "roles read as the office names them"
    assert (await api.browser().get("/home")).headers["location"].startswith("/login")
