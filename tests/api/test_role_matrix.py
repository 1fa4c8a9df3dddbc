"""The role matrix: for each (level, role, action) the answer the permission table gives, through the API.

Each action sets up what it needs as a ``seeder`` holding every role (or by writing rows directly), then
acts as the role under test. The rows follow ``platform/docs/roles.md``: the congress office prepares
and never decides, the government never closes its own commitments, a county's standing committee
decides between sessions where a township's presidium does, tellers enter paper ballots, the operator
holds no office in a tenant.

A row runs once its route declares its permission (``@requires``): rows of contexts still checking
roles themselves are listed by ``test_rows_not_run_yet_wait_for_their_context`` and run as soon as the
context is converted (the route table decides at collection, nothing is skipped by hand).
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from litestar.exceptions import MethodNotAllowedException, NotFoundException
from openpyxl import Workbook

from minsheng.app import create_app
from minsheng.congress.models import CongressSession, RoundCandidate, VotingRound
from minsheng.http.scope import declared
from minsheng.implementation.models import Adjustment
from minsheng.permissions import Role
from minsheng.projects.models import Project
from minsheng.supervision.models import Commitment, InquiryQuestion, SpecialInquiry
from minsheng.testing import PASSWORD, Api, make_settings, random_slug
from minsheng.testing_tenant import TenantUnderTest

YEAR = 2026
ALL_ROLES = [role.value for role in Role]


@dataclass
class Congress(TenantUnderTest):
    """A tenant of the matrix: ``level``, the member holding each role (``<role>-<slug>``), a seeder
    holding every role; for a township, ``county`` is the tenant above it."""

    level: str = "county"
    county: TenantUnderTest | None = None

    async def headers_of(self, role: str) -> dict[str, str]:
        if role == "operator":
            return await self.api.operator()
        if role == "ancestor_admin":
            assert self.county is not None, "an administrator of the tenant above: only a township has one"
            return await self.api.headers(f"admin-{self.county.slug}")
        return await self.api.headers(f"{role}-{self.slug}")

    async def seeder(self) -> dict[str, str]:
        return await self.api.headers(f"seeder-{self.slug}")

    async def rows(self, *rows: Any) -> None:
        with self.scope():
            async with self.api.services.database.session() as session:
                session.add_all(rows)

    async def projects(self, count: int) -> list[uuid.UUID]:
        made = [
            Project(id=uuid.uuid4(), year=YEAR, title=f"项目{n}", content="修路", category="transport",
                    status="accepted", responsible_unit="镇政府", created_by="t")
            for n in range(count)
        ]  # fmt: skip
        await self.rows(*made)
        return [p.id for p in made]


async def open_congress(api: Api, level: str) -> Congress:
    """A county (under a province), or a township under a county of its own whose ``admin`` keeps it."""
    slug = random_slug("matrix")
    await api.create_tenant(f"{slug}-p", "province")
    county = await api.create_tenant(f"{slug}-c", "county", f"{slug}-p")
    above = None
    if level == "township":
        above = TenantUnderTest(api=api, slug=county["slug"], tenant_id=uuid.UUID(county["id"]))
        await above.add_member(f"admin-{above.slug}", ["tenant_admin"])
        created = await api.create_tenant(slug, "township", county["slug"])
    else:
        created = county
    congress = Congress(api=api, slug=created["slug"], tenant_id=uuid.UUID(created["id"]), level=level, county=above)
    for role in ALL_ROLES:
        await congress.add_member(f"{role}-{congress.slug}", [role])
    await congress.add_member(f"seeder-{congress.slug}", ALL_ROLES)
    return congress


Act = Callable[[Congress, dict[str, str]], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Action:
    """What a row does: its route (to know whether it declares its permission yet) and how to do it."""

    method: str
    route: str  # a path of the route, ids filled with any uuid
    act: Act


def _api(congress: Congress, path: str) -> str:
    return f"{congress.base}{path}"


async def add_user(c: Congress, headers: dict[str, str]) -> httpx.Response:
    body = {
        "username": f"new-{uuid.uuid4().hex[:8]}",
        "password": PASSWORD,
        "display_name": "新人",
        "roles": ["government"],
    }
    return await c.api.client.post(_api(c, "/users"), json=body, headers=headers)


async def list_users(c: Congress, headers: dict[str, str]) -> httpx.Response:
    return await c.api.client.get(_api(c, "/users"), headers=headers)


async def password_link(c: Congress, headers: dict[str, str]) -> httpx.Response:
    return await c.api.client.post(_api(c, f"/users/government-{c.slug}/password-link"), headers=headers)


async def set_places(c: Congress, headers: dict[str, str]) -> httpx.Response:
    return await c.api.client.put(_api(c, "/places"), json={"places": ["东村", "西村"]}, headers=headers)


async def set_rules(c: Congress, headers: dict[str, str]) -> httpx.Response:
    body = {"values": {"allow_no_margin": True}}
    return await c.api.client.put(_api(c, "/settings/minsheng.defaults"), json=body, headers=headers)


async def invite(c: Congress, headers: dict[str, str]) -> httpx.Response:
    return await c.api.client.post(_api(c, "/invitations"), json={"roles": ["clerk"]}, headers=headers)


def _roster_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "用户名", "初始密码", "在任"])
    sheet.append(["王伟", None, None, "是"])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def import_roster(c: Congress, headers: dict[str, str]) -> httpx.Response:
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    files = {"file": ("代表名单.xlsx", _roster_workbook(), xlsx)}
    response = await c.api.client.post(_api(c, "/deputies/import"), files=files, headers=headers)
    await c.api.services.dispatcher.drain()  # the import's job finishes before the app stops
    return response


async def read_roster(c: Congress, headers: dict[str, str]) -> httpx.Response:
    return await c.api.client.get(_api(c, "/deputies"), headers=headers)


async def close_commitment(c: Congress, headers: dict[str, str]) -> httpx.Response:
    (project,) = await c.projects(1)
    inquiry = SpecialInquiry(
        id=uuid.uuid4(), project_id=project, title="专题询问", held_on=date(YEAR, 6, 1), created_by="t"
    )
    question = InquiryQuestion(
        id=uuid.uuid4(), inquiry_id=inquiry.id, position=1, asked_by="王代表", question="何时完工？",
        answered_by="交通局", answer="九月底", recorded_by="t",
    )  # fmt: skip
    commitment = Commitment(
        id=uuid.uuid4(), question_id=question.id, project_id=project, content="九月底完工", created_by="t"
    )
    await c.rows(inquiry)
    await c.rows(question)
    await c.rows(commitment)
    body = {"evidence_text": "已完工，验收合格"}
    return await c.api.client.post(_api(c, f"/commitments/{commitment.id}/close"), json=body, headers=headers)


async def _chosen(c: Congress) -> uuid.UUID:
    """A project the congress chose (a closed round lists it as chosen)."""
    (project,) = await c.projects(1)
    session = CongressSession(id=uuid.uuid4(), title="上一次会议", date=date(YEAR, 1, 5), created_by="t")
    result = {"status": "decided", "candidates": [{"project_id": str(project), "chosen": True, "rank": 1}]}
    voting_round = VotingRound(
        id=uuid.uuid4(), session_id=session.id, title="票决", seats=1, ballot_format="yes_no_abstain",
        status="closed", outcome="decided", result=result, closed_at=datetime(YEAR, 1, 5, 3, tzinfo=UTC),
        created_by="t",
    )  # fmt: skip
    await c.rows(session)
    await c.rows(voting_round)
    return project


async def decide_adjustment(c: Congress, headers: dict[str, str]) -> httpx.Response:
    project = await _chosen(c)
    body_name = "standing_committee" if c.level == "county" else "presidium"
    adjustment = Adjustment(
        id=uuid.uuid4(), project_id=project, kind="postpone", reason="汛期无法施工", new_deadline=date(YEAR + 1, 6, 30),
        proposed_by=f"government-{c.slug}", decision_body=body_name,
    )  # fmt: skip
    await c.rows(adjustment)
    # Decided today (in China) at a named meeting: not before the proposal, never in the future.
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    body = {"decision": "approved", "notes": "同意暂缓", "meeting_name": "第十次会议", "meeting_date": today}
    return await c.api.client.post(_api(c, f"/adjustments/{adjustment.id}/decision"), json=body, headers=headers)


async def record_meeting(c: Congress, headers: dict[str, str]) -> httpx.Response:
    body = {
        "year": YEAR,
        "quarter": 2,
        "held_on": f"{YEAR}-06-28",
        "attendees": ["王代表", "镇长"],
        "conclusions": "按期推进",
    }
    return await c.api.client.post(_api(c, "/quarterly-meetings"), json=body, headers=headers)


async def fix_candidates(c: Congress, headers: dict[str, str]) -> httpx.Response:
    projects = await c.projects(3)
    draft = {"planned_seats": 2, "project_ids": [str(p) for p in projects]}
    prepared = await c.api.client.put(_api(c, f"/candidate-lists/{YEAR}"), json=draft, headers=await c.seeder())
    assert prepared.status_code == 200, prepared.text
    return await c.api.client.post(_api(c, f"/candidate-lists/{YEAR}/fix"), headers=headers)


async def _round(c: Congress, status: str, method: str) -> tuple[uuid.UUID, uuid.UUID, list[uuid.UUID]]:
    projects = await c.projects(2)
    session = CongressSession(id=uuid.uuid4(), title="第一次会议", date=date(YEAR, 1, 10), created_by="t")
    voting_round = VotingRound(
        id=uuid.uuid4(), session_id=session.id, title="票决", seats=1, ballot_format="yes_no_abstain",
        method=method, status=status, entitled=1, created_by="t",
    )  # fmt: skip
    await c.rows(session)
    await c.rows(voting_round)
    await c.rows(*(RoundCandidate(round_id=voting_round.id, project_id=p, position=n) for n, p in enumerate(projects)))
    return session.id, voting_round.id, projects


async def open_round(c: Congress, headers: dict[str, str]) -> httpx.Response:
    _session, round_id, _projects = await _round(c, "draft", "electronic")
    return await c.api.client.post(_api(c, f"/rounds/{round_id}/open"), headers=headers)


async def enter_paper(c: Congress, headers: dict[str, str]) -> httpx.Response:
    session_id, round_id, projects = await _round(c, "open", "paper")
    if _served("POST", "/api/v1/t/x/sessions/00000000-0000-0000-0000-000000000000/scrutineers"):
        # Where the session approves its tellers, only an approved teller enters its ballots.
        body = {"username": f"teller-{c.slug}", "role": "teller"}
        approved = await c.api.client.post(
            _api(c, f"/sessions/{session_id}/scrutineers"), json=body, headers=await c.seeder()
        )
        assert approved.status_code == 201, approved.text
    ballots = [{str(projects[0]): "yes", str(projects[1]): "no"}]
    return await c.api.client.post(
        _api(c, f"/rounds/{round_id}/paper-ballots"), json={"ballots": ballots}, headers=headers
    )


async def cast_ballot(c: Congress, headers: dict[str, str]) -> httpx.Response:
    _session, round_id, projects = await _round(c, "open", "electronic")
    body = {"choices": {str(projects[0]): "yes", str(projects[1]): "no"}}
    return await c.api.client.post(_api(c, f"/rounds/{round_id}/ballots"), json=body, headers=headers)


ANY = "00000000-0000-0000-0000-000000000000"
ACTIONS: dict[str, Action] = {
    "add a user": Action("POST", "/api/v1/t/x/users", add_user),
    "list the users": Action("GET", "/api/v1/t/x/users", list_users),
    "give a password link": Action("POST", "/api/v1/t/x/users/u/password-link", password_link),
    "invite a person": Action("POST", "/api/v1/t/x/invitations", invite),
    "set the places": Action("PUT", "/api/v1/t/x/places", set_places),
    "set the rules' settings": Action("PUT", "/api/v1/t/x/settings/minsheng.defaults", set_rules),
    "import the roster": Action("POST", "/api/v1/t/x/deputies/import", import_roster),
    "read the roster": Action("GET", "/api/v1/t/x/deputies", read_roster),
    "close a commitment": Action("POST", f"/api/v1/t/x/commitments/{ANY}/close", close_commitment),
    "decide an adjustment": Action("POST", f"/api/v1/t/x/adjustments/{ANY}/decision", decide_adjustment),
    "record a quarterly meeting": Action("POST", "/api/v1/t/x/quarterly-meetings", record_meeting),
    "fix the candidate list": Action("POST", f"/api/v1/t/x/candidate-lists/{YEAR}/fix", fix_candidates),
    "open a round": Action("POST", f"/api/v1/t/x/rounds/{ANY}/open", open_round),
    "enter paper ballots": Action("POST", f"/api/v1/t/x/rounds/{ANY}/paper-ballots", enter_paper),
    "cast a ballot": Action("POST", f"/api/v1/t/x/rounds/{ANY}/ballots", cast_ballot),
}

#: (level, role, action, expected answer). ``ancestor_admin``: the administrator of the county above.
MATRIX: list[tuple[str, str, str, int]] = [
    # the office keeps its own accounts and settings; a county keeps its townships' users
    ("township", "tenant_admin", "add a user", 201),
    ("township", "ancestor_admin", "add a user", 201),
    ("township", "operator", "add a user", 201),
    ("township", "clerk", "add a user", 403),
    ("township", "presidium", "add a user", 403),
    ("county", "government", "list the users", 403),
    ("county", "deputy", "list the users", 403),
    ("county", "tenant_admin", "list the users", 200),
    ("township", "tenant_admin", "give a password link", 201),
    ("township", "ancestor_admin", "give a password link", 201),
    ("township", "presidium", "give a password link", 403),
    ("county", "tenant_admin", "invite a person", 201),
    ("county", "clerk", "invite a person", 403),
    ("township", "tenant_admin", "set the places", 200),
    ("township", "operator", "set the places", 200),
    ("township", "ancestor_admin", "set the places", 403),
    ("township", "clerk", "set the places", 403),
    ("county", "tenant_admin", "set the rules' settings", 204),
    ("county", "standing_committee", "set the rules' settings", 403),
    # the roster: kept by the office and the presidium, read by them, not by deputies or tellers
    ("county", "clerk", "import the roster", 202),
    ("township", "presidium", "import the roster", 202),
    ("county", "teller", "import the roster", 403),
    ("county", "deputy", "import the roster", 403),
    ("township", "government", "read the roster", 403),
    ("township", "presidium", "read the roster", 200),
    # between sessions: the standing committee (a township's presidium) decides, never the office
    ("township", "government", "close a commitment", 403),
    ("county", "government", "close a commitment", 403),
    ("county", "standing_committee", "close a commitment", 200),
    ("township", "presidium", "close a commitment", 200),
    ("county", "clerk", "decide an adjustment", 403),
    ("township", "clerk", "decide an adjustment", 403),
    ("county", "presidium", "decide an adjustment", 403),
    ("county", "standing_committee", "decide an adjustment", 200),
    ("township", "presidium", "record a quarterly meeting", 201),
    ("county", "presidium", "record a quarterly meeting", 201),
    ("county", "government", "record a quarterly meeting", 403),
    ("county", "clerk", "fix the candidate list", 403),
    ("county", "standing_committee", "fix the candidate list", 200),
    ("county", "presidium", "fix the candidate list", 403),
    ("township", "presidium", "fix the candidate list", 200),
    # the session: the presidium runs it, tellers enter paper ballots, deputies vote, the operator does not
    ("township", "deputy", "open a round", 403),
    ("county", "clerk", "open a round", 403),
    ("county", "teller", "enter paper ballots", 201),
    ("county", "deputy", "enter paper ballots", 403),
    ("township", "operator", "cast a ballot", 403),
    ("county", "government", "cast a ballot", 403),
]


def _route_app() -> Any:
    return create_app(make_settings(Path(tempfile.mkdtemp(prefix="matrix-routes-"))))


_ROUTES = _route_app()


def _handler(method: str, path: str) -> Any:
    try:
        return _ROUTES.asgi_router.handle_routing(path, method)[1]
    except (NotFoundException, MethodNotAllowedException):
        return None


def _served(method: str, path: str) -> bool:
    return _handler(method, path) is not None


def runs_now(action: str) -> bool:
    """Whether the action's route declares its permission (else its context still checks roles itself)."""
    found = ACTIONS[action]
    return declared(_handler(found.method, found.route)) is not None


NOW = [row for row in MATRIX if runs_now(row[2])]
WAITING = [row for row in MATRIX if not runs_now(row[2])]
#: The contexts whose routes still check roles themselves; a waiting row on any other route is an error.
CONVERTED_ELSEWHERE = {
    "close a commitment": "supervision",
    "decide an adjustment": "implementation",
    "record a quarterly meeting": "implementation",
    "fix the candidate list": "projects",
    "open a round": "congress voting",
    "enter paper ballots": "congress voting",
    "cast a ballot": "congress voting",
}


@pytest.mark.parametrize(("level", "role", "action", "expected"), NOW, ids=[f"{r[1]}@{r[0]} {r[2]}" for r in NOW])
async def test_the_table_answers(api: Api, level: str, role: str, action: str, expected: int) -> None:
    congress = await open_congress(api, level)
    response = await ACTIONS[action].act(congress, await congress.headers_of(role))
    assert response.status_code == expected, (role, level, action, response.text)


def test_rows_not_run_yet_wait_for_their_context() -> None:
    """Only rows of contexts other than the office's own wait; they are listed here, not hidden."""
    waiting = {row[2] for row in WAITING}
    assert waiting <= set(CONVERTED_ELSEWHERE), waiting - set(CONVERTED_ELSEWHERE)
    for level, role, action, expected in WAITING:
        print(f"waits for {CONVERTED_ELSEWHERE[action]}: {role}@{level} {action} -> {expected}")
    assert {row[2] for row in MATRIX} == set(ACTIONS), "every action has a row"
