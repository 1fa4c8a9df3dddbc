"""Region templates, the neighbour's unchanged bytes, docxtpl overrides, idempotent jobs."""

from __future__ import annotations

import io
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import County, docx_text, open_county, pdf_pages, pdf_text, render
from docx import Document
from sqlalchemy import func, select

from minsheng.audit.models import TenantAuditEvent
from minsheng.documents import jobs as document_jobs
from minsheng.documents.models import GeneratedDocument
from minsheng.jobs.registry import JobContext, PermanentFailure
from minsheng.plugins import DocumentTemplate, hookimpl
from minsheng.plugins.manager import build_plugin_manager, get_plugin_manager
from minsheng.testing import Api

ROUND_KINDS = ("voting_method", "result_announcement", "resolution")


async def test_a_county_with_the_henan_plugin_gets_its_templates(api: Api) -> None:
    baofeng = await open_county(api, plugins=["henan-baofeng"])
    round_id = await baofeng.decided_round()
    resolution = pdf_text(await baofeng.document("resolution", round_id))
    assert "面对面" in resolution and "回头看" in resolution  # only Baofeng's template says this
    assert "课后延时服务（责任单位：教育局）" in resolution
    announcement = docx_text(await baofeng.document("result_announcement", round_id, "docx"))
    assert "应到代表5名，实到代表5名" in announcement
    report = docx_text(await baofeng.document("collection_report", fmt="docx"))
    assert "共征集意见建议8条" in report  # Baofeng's wording of the total
    assert "3 | 孤寡老人义诊 | " in report and "卫健委 | 2" in report  # its candidate table, with 民意 counts
    listed = await api.client.get(f"{baofeng.base}/documents", headers=await baofeng.headers())
    templates = {item["kind"]: item["template"] for item in listed.json()["items"]}
    assert templates == {
        "collection_report": "henan-baofeng:henan/collection_report.md.j2",
        "resolution": "henan-baofeng:henan/resolution.md.j2",
        "result_announcement": "henan-baofeng:henan/result_announcement.md.j2",
    }


async def test_the_neighbour_keeps_byte_identical_documents(api: Api) -> None:
    baofeng = await open_county(api, plugins=["henan-baofeng"])
    neighbour = await open_county(api, name="鲁山县")
    round_id = await neighbour.decided_round()
    await baofeng.decided_round()
    without_plugin = build_plugin_manager(load_entrypoints=False)  # as if henan were never installed
    for kind in ROUND_KINDS:
        for fmt in ("pdf", "docx"):
            alone = await render(neighbour, kind, round_id, fmt, without_plugin)
            beside = await render(neighbour, kind, round_id, fmt)  # henan installed, enabled next door
            assert alone == beside, (kind, fmt)
    henan_text = pdf_text(await render(baofeng, "resolution", await baofeng.decided_round(), "pdf"))
    assert "面对面" in henan_text
    assert "面对面" not in pdf_text(await render(neighbour, "resolution", round_id, "pdf"))


async def test_zhejiang_prints_its_ranking_ballot_papers(api: Api) -> None:
    county = await open_county(api, plugins=["zhejiang"], name="镇海区", deputies=3)
    round_id = await county.draft_round()
    content = await county.document("ballot_paper", round_id)
    assert pdf_pages(content) == 3
    pages = pdf_text(content).split("\f")
    assert all("排序表决票" in page and "孤寡老人义诊" in page for page in pages)
    assert "编号" not in pdf_text(content)


class WordOverride:
    """A throwaway region plugin shipping only a Word (docxtpl) template for the resolution."""

    TEMPLATE_PACKAGE = "docs_word_override"
    TEMPLATE_FOLDER = "templates"

    @hookimpl
    def minsheng_document_templates(self, tenant: Any) -> list[DocumentTemplate]:
        return [DocumentTemplate("resolution.docx", "word/resolution.docx", "决议（Word 模板）")]


@pytest.fixture
def word_override(tmp_path: Path) -> Iterator[str]:
    package = tmp_path / "docs_word_override"
    (package / "templates" / "word").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    template = Document()
    template.add_paragraph("{{ tenant.name }}关于民生实事项目的决议（Word 模板）")
    template.add_paragraph("当选项目：{{ chosen | map(attribute='title') | join('、') }}")
    template.save(str(package / "templates" / "word" / "resolution.docx"))
    sys.path.insert(0, str(tmp_path))
    manager = get_plugin_manager()
    manager.register(WordOverride(), name="docs-word-override")
    try:
        yield "docs-word-override"
    finally:
        manager.unregister(name="docs-word-override")
        sys.path.remove(str(tmp_path))
        sys.modules.pop("docs_word_override", None)


async def test_a_plugin_overrides_the_word_file_with_a_docxtpl_template(api: Api, word_override: str) -> None:
    county = await open_county(api, plugins=[word_override])
    round_id = await county.decided_round()
    word = await county.document("resolution", round_id, "docx")
    paragraphs = [p.text for p in Document(io.BytesIO(word)).paragraphs]
    assert paragraphs == ["宝丰县关于民生实事项目的决议（Word 模板）", "当选项目：道路提质改造、课后延时服务"]
    assert word == await county.document("resolution", round_id, "docx")  # docxtpl output is reproducible too
    # The PDF still comes from the platform's template: the plugin offers none for it.
    assert "会议号召" in pdf_text(await county.document("resolution", round_id))


async def test_running_a_render_job_twice_makes_one_document(county: County) -> None:
    round_id = await county.decided_round()
    job_id = uuid.uuid4()

    async def report(done: int, total: int | None) -> None:
        return None

    results = []
    for attempt in (1, 2):
        with county.scope():
            async with county.api.services.database.session() as session:
                ctx = JobContext(session, job_id, county.tenant_id, county.api.services.settings, attempt, report)
                results.append(await document_jobs.render(ctx, kind="resolution", format="pdf", subject_id=round_id))
    assert results[0] == results[1]
    with county.scope():
        async with county.api.services.database.session() as session:
            documents = (await session.execute(select(func.count()).select_from(GeneratedDocument))).scalar_one()
            generated = TenantAuditEvent.action == "document.generated"
            events = (
                await session.execute(select(func.count()).select_from(TenantAuditEvent).where(generated))
            ).scalar_one()
    assert documents == 1
    assert events == 1


async def test_a_render_job_whose_round_is_not_decided_fails_for_good(county: County) -> None:
    draft = await county.draft_round()

    async def report(done: int, total: int | None) -> None:
        return None

    with county.scope():
        async with county.api.services.database.session() as session:
            ctx = JobContext(session, uuid.uuid4(), county.tenant_id, county.api.services.settings, 1, report)
            with pytest.raises(PermanentFailure, match="decided"):
                await document_jobs.render(ctx, kind="resolution", format="pdf", subject_id=draft)
            with pytest.raises(PermanentFailure, match="horoscope"):
                await document_jobs.render(ctx, kind="horoscope", format="pdf")
