"""A county ready for documents: places, staff, projects with suggestions, a candidate list, a round.

Deputies, staff and check-ins are written directly (as tests/congress does): the vote itself is
tested there; here the data only has to be real enough to print.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from minsheng.collection.models import Suggestion
from minsheng.congress.models import CheckIn
from minsheng.documents.kinds import get_kind
from minsheng.documents.rendering import render_document
from minsheng.projects.models import CandidateEntry, CandidateList, Project
from minsheng.tenancy.configuration import tenant_view
from minsheng.tenancy.models import Tenant
from minsheng.testing import Api, random_slug
from minsheng.testing_tenant import TenantUnderTest

VILLAGES = ["赵庄村", "大营村", "杨庄社区"]
PROJECTS = [
    ("道路提质改造", "交通局", 3_000_000),
    ("课后延时服务", "教育局", 1_200_000),
    ("孤寡老人义诊", "卫健委", 300_000),
]
CATEGORIES = {"道路提质改造": "roads_transport", "课后延时服务": "education", "孤寡老人义诊": "health"}
SESSION_TITLE = "第十七届人民代表大会第三次会议"


def pdf_text(content: bytes) -> str:
    """Every page's text, pages separated by a form feed; a line the layout wrapped is joined again."""
    assert content.startswith(b"%PDF-")
    return "\f".join(page.extract_text().replace("\n", "") for page in PdfReader(io.BytesIO(content)).pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    """Paragraphs and table cells of a Word file, one per line."""
    document = Document(io.BytesIO(content))
    lines = [p.text.replace("\n", "") for p in document.paragraphs]  # a turned title reads as one line
    for table in document.tables:
        lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(lines)


@dataclass
class County(TenantUnderTest):
    projects: list[uuid.UUID] = field(default_factory=list)

    @classmethod
    async def open_township(cls, api: Api, **township: Any) -> County:
        """A new township (slug ``town-…``) under a county and a province of its own."""
        slug = random_slug("town")
        await api.create_tenant(f"{slug}-p", "province", name="河南省")
        await api.create_tenant(f"{slug}-c", "county", f"{slug}-p", name="宝丰县")
        created = await api.create_tenant(slug, "township", f"{slug}-c", **township)
        return cls(api=api, slug=slug, tenant_id=uuid.UUID(created["id"]))

    async def headers(self, role: str = "clerk") -> dict[str, str]:
        return await self.api.headers(f"{role}-{self.slug}")

    async def seed_collection(self) -> None:
        """Suggestions from the villages by several channels, merged into projects on a fixed list."""
        with self.scope():
            async with self.api.services.database.session() as session:
                projects = []
                for title, unit, budget in PROJECTS:
                    project = Project(
                        year=2026,
                        title=title,
                        content=title,
                        category=CATEGORIES[title],
                        status="accepted",
                        responsible_unit=unit,
                        budget=Decimal(budget),
                        created_by="t",
                    )
                    session.add(project)
                    projects.append(project)
                await session.flush()
                channels = ["online", "qr_code", "liaison_station", "qr_code"]
                for n in range(8):
                    session.add(
                        Suggestion(
                            code=f"S{n:05d}",
                            year=2026,
                            content=f"建议{n}",
                            category="roads_transport",
                            place=VILLAGES[n % 2],
                            channel=channels[n % 4],
                            status="merged",
                            project_id=projects[n % 3].id,
                        )
                    )
                listing = CandidateList(year=2026, planned_seats=2, status="fixed", fixed_by="t")
                session.add(listing)
                await session.flush()
                for position, project in enumerate(projects):
                    session.add(CandidateEntry(list_id=listing.id, project_id=project.id, position=position))
                self.projects = [p.id for p in projects]

    async def draft_round(self, ballot_format: str = "yes_no_abstain", session_title: str = SESSION_TITLE) -> str:
        """A session with every deputy checked in and a round on the three candidates for 2 seats."""
        client, headers = self.api.client, await self.headers()
        created = await client.post(
            f"{self.base}/sessions",
            json={"title": session_title, "date": "2026-01-10"},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        session_id = created.json()["id"]
        with self.scope():
            async with self.api.services.database.session() as session:
                session.add_all(
                    CheckIn(session_id=uuid.UUID(session_id), deputy_id=d, checked_in_by="t") for d in self.deputies
                )
        voting_round = await client.post(
            f"{self.base}/sessions/{session_id}/rounds",
            json={
                "title": "民生实事项目票决",
                "seats": 2,
                "candidates": [str(p) for p in self.projects],
                "ballot_format": ballot_format,
            },
            headers=headers,
        )
        assert voting_round.status_code == 201, voting_round.text
        return str(voting_round.json()["id"])

    async def decided_round(self, session_title: str = SESSION_TITLE) -> str:
        """A closed round: the first two candidates chosen (everyone yes), the third refused."""
        round_id = await self.draft_round(session_title=session_title)
        client, headers = self.api.client, await self.headers()
        assert (await client.post(f"{self.base}/rounds/{round_id}/open", headers=headers)).status_code == 200
        first, second, third = (str(p) for p in self.projects)
        for deputy in self.deputy_headers:
            ballot = {"choices": {first: "yes", second: "yes", third: "no"}}
            response = await client.post(f"{self.base}/rounds/{round_id}/ballots", json=ballot, headers=deputy)
            assert response.status_code == 201, response.text
        closed = await client.post(f"{self.base}/rounds/{round_id}/close", json={}, headers=headers)
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "decided", closed.json()
        return round_id

    async def order(self, kind: str, subject_id: str | None = None, fmt: str | None = None, **extra: Any) -> Any:
        body: dict[str, Any] = {"kind": kind}
        if subject_id:
            body["subject_id"] = subject_id
        if fmt:
            body["format"] = fmt
        headers = extra.pop("headers", None) or await self.headers()
        return await self.api.client.post(f"{self.base}/documents", json=body, headers=headers, **extra)

    async def document(self, kind: str, subject_id: str | None = None, fmt: str | None = None) -> bytes:
        """Order a document, run the job, download the file: its bytes."""
        accepted = await self.order(kind, subject_id, fmt)
        assert accepted.status_code == 202, accepted.text
        await self.api.services.dispatcher.drain()
        headers = await self.headers()
        job = (await self.api.client.get(f"{self.base}/jobs/{accepted.json()['job_id']}", headers=headers)).json()
        assert job["status"] == "done", job
        download = await self.api.client.get(f"{self.base}/files/{job['result']['file_id']}", headers=headers)
        assert download.status_code == 200, download.text
        return download.content


async def render(county: County, kind: str, subject: str | None, fmt: str, manager: Any = None) -> bytes:
    """Render ``kind`` for ``county`` without the job (nothing stored): its bytes."""
    with county.scope():
        async with county.api.services.database.session() as session:
            tenant = await session.get(Tenant, county.tenant_id)
            assert tenant is not None
            view = await tenant_view(session, tenant, manager)
            found = get_kind(kind)
            assert found is not None
            subject_id = uuid.UUID(subject) if subject else None
            rendered = await render_document(
                session, view, found, subject_id, fmt, public_url="https://minsheng.example.cn", manager=manager
            )
            return rendered.content


async def open_county(
    api: Api, *, plugins: list[str] | None = None, name: str = "宝丰县", deputies: int = 5, level: str = "county"
) -> County:
    settings = {"minsheng.defaults": {"places": VILLAGES}}
    if level == "township":
        county = await County.open_township(api, name=name, plugins=plugins or [], settings=settings)
    else:
        county = await County.open_county(
            api, province={"name": "河南省"}, name=name, plugins=plugins or [], settings=settings
        )
    await county.add_member(f"clerk-{county.slug}", ["tenant_admin", "presidium"])
    await county.seed_collection()
    if deputies:
        await county.add_deputies(deputies)
    return county


@pytest.fixture
async def county(api: Api) -> County:
    return await open_county(api)
