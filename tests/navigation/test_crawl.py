"""Every role starts at its home and follows every same-site link: no page answers 5xx, each home shows
the sections of its roles and no others, and every section it shows opens for that role."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from navigation.county import County, open_county

from minsheng.testing import PASSWORD, Api
from minsheng.web.navigation import SECTIONS

HREF = re.compile(r'\bhref="([^"]*)"')
SECTION = re.compile(r'data-section="([a-z_]+)"')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Never followed: logging out ends the crawl's session; static files and the language switch are not pages.
SKIPPED = ("/logout", "/static/", "/lang/")
MAX_PAGES = 120

OFFICE = {"inbox", "paper", "coverage", "pool", "candidates", "documents", "oversight"}
CONGRESS = {"sessions", "rounds", "roster", "plan_edit"}
FOLLOWING = {"implementation", "plan", "evaluations", "inquiries", "commitments"}
DEPUTY = {"vote", "rate"}
HOME_SECTIONS = {
    "tenant_admin": OFFICE | CONGRESS | FOLLOWING,
    "presidium": OFFICE | CONGRESS | FOLLOWING,
    "government": OFFICE | FOLLOWING,
    "deputy": FOLLOWING | DEPUTY,
    "teller": {"paper_ballots"},
}


def shape(url: str) -> str:
    """A page's kind: its path with ids blanked and its query's names (one visit per kind is enough)."""
    parts = urlsplit(url)
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return UUID.sub("{id}", parts.path) + ("?" + "&".join(names) if names else "")


def same_site_links(page_url: str, html: str) -> list[str]:
    links = []
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        if href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        absolute = urljoin(page_url, href)
        parts = urlsplit(absolute)
        if parts.netloc != "testserver.local" or parts.path.startswith(SKIPPED):
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


async def crawl(client: httpx.AsyncClient, start: str) -> dict[str, int]:
    """Breadth first from ``start``, GET only, each kind of page once: the status of each page seen."""
    seen: dict[str, int] = {}
    shapes: set[str] = set()
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or shape(url) in shapes:
            continue
        shapes.add(shape(url))
        response = await client.get(url, headers={"Accept": "text/html"})
        seen[url] = response.status_code
        if response.is_redirect:
            queue.append(response.headers["location"])
        elif "text/html" in response.headers.get("content-type", ""):
            queue.extend(same_site_links(f"http://testserver.local{url}", response.text))
    return seen


@pytest.mark.parametrize("role", sorted(HOME_SECTIONS))
async def test_each_role_reaches_its_sections_and_nothing_answers_5xx(api: Api, county: County, role: str) -> None:
    async with county.browser(role) as browser:
        landing = await browser.get("/home")
        assert landing.status_code == 303
        assert landing.headers["location"] == f"/t/{county.slug}/"
        home = await browser.get(f"/t/{county.slug}/")
        assert home.status_code == 200
        shown = set(SECTION.findall(home.text))
        assert shown == HOME_SECTIONS[role], (role, shown ^ HOME_SECTIONS[role])
        for section in SECTIONS:  # nor is any other section linked from anywhere on the home
            if section.key not in shown:
                assert f'href="{section.href(county.slug)}"' not in home.text, (role, section.key)
        # The public links are on every home; the language switch and logout too.
        for link in (f"/t/{county.slug}/suggest", f"/t/{county.slug}/portal", "/lang/en?next=", 'action="/logout"'):
            assert link in home.text, link
        # Every section the home offers opens for this role (a redirect to another page of it is fine).
        for key in shown:
            (href,) = re.findall(rf'href="([^"]+)" data-section="{key}"', home.text)
            response = await browser.get(href, follow_redirects=True)
            assert response.status_code == 200, (role, href, response.status_code)
        statuses = await crawl(browser, f"/t/{county.slug}/")
    failures = {url: status for url, status in statuses.items() if status >= 500}
    assert not failures, failures
    assert len(statuses) > (5 if role == "teller" else 15), statuses


async def test_staff_pages_share_one_navigation_and_phone_pages_lead_home(api: Api, county: County) -> None:
    async with county.browser("tenant_admin") as browser:
        t = f"/t/{county.slug}"
        for page in (
            "/staff/suggestions",
            "/staff/documents",
            "/congress",
            f"/congress/sessions/{county.session_id}",
            "/implementation",
            "/supervision/plan",
            "/oversight",
        ):
            response = await browser.get(t + page)
            assert response.status_code == 200, page
            nav = response.text.split('id="staff-nav"', 1)
            assert len(nav) == 2, f"{page} has no shared navigation"
            for area in ("/staff/suggestions", "/congress", "/implementation", "/supervision/plan", "/oversight"):
                assert f'href="{t}{area}"' in nav[1].split("</nav>", 1)[0], (page, area)
    async with county.browser("deputy") as phone:
        vote = await phone.get(f"/t/{county.slug}/vote")
        assert vote.status_code == 200
        assert 'id="staff-nav"' not in vote.text  # the phone page stays simple
        assert 'href="/home"' in vote.text and f'href="/t/{county.slug}/"' in vote.text


async def test_the_operator_lands_on_the_console_and_a_member_of_two_congresses_chooses(
    api: Api, county: County
) -> None:
    await api.operator()
    operator = api.browser()
    token = await api.login_form_token(operator)
    login = await operator.post("/login", data={"username": "operator", "password": "x", "_csrf_token": token})
    assert login.status_code == 401  # a wrong password re-shows the form
    login = await operator.post("/login", data={"username": "operator", "password": PASSWORD, "_csrf_token": token})
    assert login.headers["location"] == "/home"
    assert (await operator.get("/home")).headers["location"] == "/admin"
    await operator.aclose()

    other = await open_county(api)
    await api.add_member(other.slug, county.user("deputy"), ["deputy"])
    async with county.browser("deputy") as browser:
        chooser = await browser.get("/home")
        assert chooser.status_code == 200
        assert f'href="/t/{county.slug}/"' in chooser.text and f'href="/t/{other.slug}/"' in chooser.text
    assert (await api.browser().get("/home")).headers["location"].startswith("/login")
