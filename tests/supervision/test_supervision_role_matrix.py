"""The role matrix of implementation and supervision as a table: for each role of a township and of a
county, and each action of the API, the answer the law gives (platform/docs/roles.md).

The table is written out, not derived from the permission table, so that a change to the table that
breaks the law fails here. Each row acts on objects of its own (a fresh project, adjustment,
commitment ...), prepared by those whose job it is, so the rows do not depend on each other's order.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from minsheng.collection.rules import china_day
from minsheng.db.base import utcnow
from minsheng.implementation.testing import record_decided_round
from minsheng.tenancy.context import TenantRef
from minsheng.testing import Api, random_slug

CREATED, OK, FORBIDDEN = 201, 200, 403
ROLES = {
    "clerk": ["clerk"],
    "admin": ["tenant_admin"],
    "presidium": ["presidium"],
    "committee": ["standing_committee"],
    "government": ["government"],
}

# action -> the answer of each role; roles left out answer 403. A township has no standing committee:
# its presidium decides between sessions. In a county the standing committee decides, the presidium
# runs the session only.
TOWNSHIP: dict[str, dict[str, int]] = {
    "file a work plan": {"government": CREATED},
    "report progress": {"government": CREATED},
    "propose an adjustment": {"government": CREATED},
    "decide an adjustment": {"presidium": OK},
    "record a quarterly meeting": {"clerk": CREATED, "admin": CREATED, "presidium": CREATED},
    "report decisions to the session": {"clerk": OK, "admin": OK, "presidium": OK},
    "prepare a supervision plan": {"clerk": CREATED, "admin": CREATED},
    "adopt a supervision plan": {"presidium": OK},
    "file a supervision record": {"clerk": CREATED, "admin": CREATED, "presidium": CREATED, "deputy": CREATED},
    "hold a special inquiry": {"clerk": CREATED, "admin": CREATED, "presidium": CREATED},
    "answer a question": {"government": OK},
    "file evidence of a commitment": {"government": CREATED},
    "close a commitment": {"presidium": OK},
    "open a satisfaction evaluation": {"presidium": CREATED},
    "rate a project": {"deputy": CREATED},
    "report a rectification": {"government": OK},
}
COUNTY: dict[str, dict[str, int]] = {
    **TOWNSHIP,
    "decide an adjustment": {"committee": OK},
    "adopt a supervision plan": {"committee": OK},
    "file a supervision record": {
        "clerk": CREATED,
        "admin": CREATED,
        "presidium": CREATED,
        "committee": CREATED,
        "deputy": CREATED,
    },
    "hold a special inquiry": {"clerk": CREATED, "admin": CREATED, "committee": CREATED},
    "close a commitment": {"committee": OK},
    "open a satisfaction evaluation": {"committee": CREATED},
}
PLAN = {
    "responsible_unit": "镇政府",
    "targets": "按期完成",
    "budget": 100000,
    "funding_source": "财政",
    "deadline": "2099-12-31",
    "milestones": [{"title": "完工", "due": "2099-12-01"}],
}


@dataclass
class Stage:
    """One tenant with a member of each role, and fresh objects for each row of the table."""

    api: Api
    office: Any  # the Office of conftest.py
    level: str
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    years: Any = field(default_factory=lambda: itertools.count(2040))
    session_id: str = ""

    @property
    def decider(self) -> dict[str, str]:
        return self.headers["presidium" if self.level == "township" else "committee"]

    async def post(self, path: str, who: str, body: Any = None) -> Any:
        return await self.api.client.post(f"{self.office.base}{path}", json=body, headers=self.headers[who])

    async def ready(self, path: str, who: str, body: Any = None, expected: int = CREATED) -> Any:
        response = await self.post(path, who, body)
        assert response.status_code == expected, (path, response.text)
        return response.json()

    async def project(self, year: int = 2025) -> uuid.UUID:
        """A project of ``year`` the congress chose (in a round closed early the next year)."""
        voted_at = datetime(year + 1, 1, 10, 2, 0, tzinfo=UTC)
        tenant = TenantRef(self.office.tenant_id, self.office.slug)
        database = self.api.services.database
        (project,) = await record_decided_round(database, tenant, ["项目"], voted_at=voted_at, losers=0)
        return project

    async def planned(self) -> uuid.UUID:
        project = await self.project()
        await self.ready(f"/projects/{project}/work-plan", "government", PLAN)
        return project

    async def adjustment(self) -> str:
        project = await self.planned()
        body = {"kind": "amend", "reason": "规划调整"}
        return str((await self.ready(f"/projects/{project}/adjustments", "government", body))["id"])

    async def question(self) -> str:
        project = await self.project()
        inquiry = await self.ready("/inquiries", "clerk", {"project_id": str(project), "held_on": "2026-06-18"})
        body = {"question": "何时完成？", "asked_by": "李代表"}
        return str((await self.ready(f"/inquiries/{inquiry['id']}/questions", "clerk", body))["id"])

    async def commitment(self) -> str:
        body = {"answered_by": "王某", "answer": "年内", "commitments": [{"content": "年内完成"}]}
        answered = await self.ready(f"/inquiry-questions/{await self.question()}/answer", "government", body, OK)
        return str(answered["commitments"][0]["id"])

    async def evaluation(self) -> str:
        project = await self.project()
        return str(
            (
                await self.api.client.post(
                    f"{self.office.base}/projects/{project}/evaluations", json={}, headers=self.decider
                )
            ).json()["id"]
        )

    async def rectification(self) -> str:
        evaluation = await self.evaluation()
        assert (await self.office.rate(evaluation, 0, "unsatisfied")).status_code == CREATED
        closed = await self.api.client.post(f"{self.office.base}/evaluations/{evaluation}/close", headers=self.decider)
        return str(closed.json()["rectification_id"])

    async def draft_plan(self) -> str:
        year = next(self.years)
        project = await self.project(year)
        plan = await self.ready("/supervision/plans", "clerk", {"year": year, "title": f"{year}年监督计划"})
        group = {"project_id": str(project), "deputy_ids": [str(self.office.deputies[0])]}
        await self.ready(f"/supervision/plans/{plan['id']}/groups", "clerk", group)
        return str(plan["id"])


Action = Callable[[Stage, str], Awaitable[Any]]


async def _decide(stage: Stage, who: str) -> Any:
    body = {"decision": "approved", "meeting_name": "会议", "meeting_date": china_day(utcnow()).isoformat()}
    return await stage.post(f"/adjustments/{await stage.adjustment()}/decision", who, body)


async def _meeting(stage: Stage, who: str) -> Any:
    body = {"year": 2026, "quarter": 2, "held_on": "2026-07-08", "attendees": ["镇长"], "conclusions": "正常推进"}
    return await stage.post("/quarterly-meetings", who, body)


async def _record(stage: Stage, who: str) -> Any:
    fields = {"held_on": "2026-06-01", "participants": ["代表"], "findings": "按期推进"}
    return await stage.post(
        f"/projects/{await stage.project()}/supervision-records", who, {"method": "follow_up_review", "fields": fields}
    )


async def _work_plan(stage: Stage, who: str) -> Any:
    return await stage.post(f"/projects/{await stage.project()}/work-plan", who, PLAN)


async def _progress(stage: Stage, who: str) -> Any:
    body = {"spent": 1000, "percent_done": 10, "text": "开工"}
    return await stage.post(f"/projects/{await stage.planned()}/progress", who, body)


async def _propose(stage: Stage, who: str) -> Any:
    body = {"kind": "terminate", "reason": "规划取消"}
    return await stage.post(f"/projects/{await stage.planned()}/adjustments", who, body)


async def _report_to_session(stage: Stage, who: str) -> Any:
    return await stage.post("/adjustments/reported-to-session", who, {"session_id": stage.session_id})


async def _prepare_plan(stage: Stage, who: str) -> Any:
    year = next(stage.years)
    return await stage.post("/supervision/plans", who, {"year": year, "title": f"{year}年监督计划"})


async def _adopt(stage: Stage, who: str) -> Any:
    return await stage.post(f"/supervision/plans/{await stage.draft_plan()}/adopt", who)


async def _hold(stage: Stage, who: str) -> Any:
    return await stage.post("/inquiries", who, {"project_id": str(await stage.project()), "held_on": "2026-06-18"})


async def _answer(stage: Stage, who: str) -> Any:
    body = {"answered_by": "王某", "answer": "年内完成"}
    return await stage.post(f"/inquiry-questions/{await stage.question()}/answer", who, body)


async def _evidence(stage: Stage, who: str) -> Any:
    return await stage.post(f"/commitments/{await stage.commitment()}/evidence", who, {"evidence_text": "已完成"})


async def _close(stage: Stage, who: str) -> Any:
    return await stage.post(f"/commitments/{await stage.commitment()}/close", who, {"evidence_text": "已完成"})


async def _open_evaluation(stage: Stage, who: str) -> Any:
    return await stage.post(f"/projects/{await stage.project()}/evaluations", who, {})


async def _rate(stage: Stage, who: str) -> Any:
    return await stage.post(f"/evaluations/{await stage.evaluation()}/ratings", who, {"rating": "satisfied"})


async def _rectify(stage: Stage, who: str) -> Any:
    return await stage.post(f"/rectifications/{await stage.rectification()}/report", who, {"report": "已整改"})


ACTIONS: dict[str, Action] = {
    "file a work plan": _work_plan,
    "report progress": _progress,
    "propose an adjustment": _propose,
    "decide an adjustment": _decide,
    "record a quarterly meeting": _meeting,
    "report decisions to the session": _report_to_session,
    "prepare a supervision plan": _prepare_plan,
    "adopt a supervision plan": _adopt,
    "file a supervision record": _record,
    "hold a special inquiry": _hold,
    "answer a question": _answer,
    "file evidence of a commitment": _evidence,
    "close a commitment": _close,
    "open a satisfaction evaluation": _open_evaluation,
    "rate a project": _rate,
    "report a rectification": _rectify,
}


async def _stage(api: Api, level: str, opened: Any) -> Stage:
    """``opened``: a county of conftest's ``Office``; a township is opened under it."""
    office = opened
    if level == "township":
        slug = random_slug("town")
        created = await api.create_tenant(slug, "township", opened.slug)
        office = type(opened)(api=api, slug=slug, tenant_id=uuid.UUID(created["id"]))
    stage = Stage(api, office, level)
    for role, roles in ROLES.items():
        if level == "township" and role == "committee":
            continue  # a township has no standing committee
        stage.headers[role] = await office.add_member(f"matrix-{role}-{office.slug}", roles)
    await office.add_deputies(1)  # on the roster before any evaluation opens
    stage.headers["deputy"] = office.deputy_headers[0]
    congress = await stage.ready("/sessions", "admin", {"title": "第二次会议", "date": "2027-01-12"})
    stage.session_id = str(congress["id"])
    return stage


async def test_the_role_matrix_of_implementation_and_supervision(api: Api, make_office: Any) -> None:
    """e.g. the government closing its own commitment → 403, the clerk deciding an adjustment → 403, the
    presidium of a township recording a quarterly meeting → 201, the standing committee of a county
    deciding an adjustment → 200."""
    assert set(TOWNSHIP) == set(ACTIONS) == set(COUNTY)
    wrong = []
    for level, table in (("township", TOWNSHIP), ("county", COUNTY)):
        stage = await _stage(api, level, await make_office())
        for action, allowed in table.items():
            for role in stage.headers:
                expected = allowed.get(role, FORBIDDEN)
                response = await ACTIONS[action](stage, role)
                if response.status_code != expected:
                    wrong.append(f"{level} {role} {action}: {response.status_code} not {expected} ({response.text})")
    assert wrong == []
