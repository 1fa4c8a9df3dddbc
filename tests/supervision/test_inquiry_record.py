"""The inquiry record (专题询问记录) lists every question, answer and commitment with its status."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from pypdf import PdfReader

from minsheng.testing import Api


async def _document(api: Api, office: Any, inquiry: str, fmt: str) -> bytes:
    ordered = await api.client.post(
        f"{office.base}/documents",
        json={"kind": "inquiry_record", "subject_id": inquiry, "format": fmt},
        headers=await office.clerk(),
    )
    assert ordered.status_code == 202, ordered.text
    await api.services.dispatcher.drain()
    job = (await api.client.get(f"{office.base}/jobs/{ordered.json()['job_id']}", headers=await office.clerk())).json()
    assert job["status"] == "done", job
    download = await api.client.get(f"{office.base}/files/{job['result']['file_id']}", headers=await office.clerk())
    assert download.status_code == 200
    return download.content


async def test_the_record_lists_questions_answers_and_commitments_with_their_status(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=2, name="宝丰县")
    (project,) = await office.add_projects(1)
    inquiry = (
        await api.client.post(
            f"{office.base}/inquiries",
            json={
                "project_id": str(project),
                "held_on": "2026-06-18",
                "title": "老人义诊专题询问",
                "participants": ["县人大常委会", "县卫健委"],
            },
            headers=await office.clerk(),
        )
    ).json()["id"]
    answers = (
        ("义诊为什么每季度只有一次？", "县卫健委主任 王某", "人手不足。", "每月义诊一次"),
        ("偏远村能否上门？", "县卫健委副主任 李某", "可以安排。", "为行动不便老人上门义诊"),
    )
    commitments = []
    for deputy, (question, official, answer, fix) in enumerate(answers):
        asked = await api.client.post(
            f"{office.base}/inquiries/{inquiry}/questions",
            json={"question": question},
            headers=office.deputy_headers[deputy],
        )
        answered = await api.client.post(
            f"{office.base}/inquiry-questions/{asked.json()['id']}/answer",
            json={
                "answered_by": official,
                "answer": answer,
                "commitments": [{"content": fix, "responsible_unit": "县卫健委", "due_on": "2026-09-30"}],
            },
            headers=await office.officer(),
        )
        commitments.append(answered.json()["commitments"][0]["id"])
    closed = await api.client.post(
        f"{office.base}/commitments/{commitments[0]}/close",
        json={"evidence_text": "七月起每月义诊"},
        headers=await office.committee(),
    )
    assert closed.status_code == 200

    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(await _document(api, office, inquiry, "pdf"))).pages
    )
    compact = "".join(text.split())
    assert "项目0专题询问记录" in compact
    assert "2026年6月18日" in compact
    for question, official, answer, fix in answers:
        assert question in compact and official.replace(" ", "") in compact and answer in compact and fix in compact
    assert "每月义诊一次（已办结）" in compact
    assert "为行动不便老人上门义诊（未办结）" in compact
    assert "七月起每月义诊" in compact
    assert "共2项整改承诺，尚有1项未办结" in compact

    document = Document(io.BytesIO(await _document(api, office, inquiry, "docx")))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["1", "每月义诊一次", "县卫健委", "2026年9月30日", "已办结", "七月起每月义诊"] in rows
    assert ["2", "为行动不便老人上门义诊", "县卫健委", "2026年9月30日", "未办结", "—"] in rows


async def test_the_record_needs_an_inquiry(api: Api, make_office: Any) -> None:
    office = await make_office()
    missing = await api.client.post(
        f"{office.base}/documents", json={"kind": "inquiry_record"}, headers=await office.clerk()
    )
    assert missing.status_code == 422
    kinds = (await api.client.get(f"{office.base}/documents/kinds", headers=await office.officer())).json()
    assert {
        "code": "inquiry_record",
        "label": "专题询问记录",
        "formats": ["pdf", "docx"],
        "subject_required": True,
    } in [{k: kind[k] for k in ("code", "label", "formats", "subject_required")} for kind in kinds]


async def test_a_region_template_gets_the_same_record(api: Api, make_office: Any) -> None:
    """Zhejiang's own template (``inquiry.questions[].promised_fix``) renders from the same context."""
    office = await make_office(deputies=1, plugins=["zhejiang"])
    (project,) = await office.add_projects(1)
    inquiry = (
        await api.client.post(
            f"{office.base}/inquiries",
            json={"project_id": str(project), "held_on": "2026-06-18", "participants": ["主席团"]},
            headers=await office.clerk(),
        )
    ).json()["id"]
    asked = await api.client.post(
        f"{office.base}/inquiries/{inquiry}/questions",
        json={"question": "何时完工？"},
        headers=office.deputy_headers[0],
    )
    await api.client.post(
        f"{office.base}/inquiry-questions/{asked.json()['id']}/answer",
        json={"answered_by": "交通局 张某", "answer": "十月底。", "commitments": [{"content": "十月底前完工"}]},
        headers=await office.officer(),
    )
    text = "".join(
        "".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(await _document(api, office, inquiry, "pdf"))).pages
    )
    assert "整改承诺：十月底前完工" in text and "由代表监督小组跟踪督办" in text
