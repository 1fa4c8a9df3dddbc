"""Issues 3 and 4 through the API: documents are ordered, rendered by a job, stored, audited, read back."""

from __future__ import annotations

import hashlib

from conftest import PROJECTS, VILLAGES, County, docx_text, open_county, pdf_pages, pdf_text

from minsheng.i18n import translate
from minsheng.testing import Api


async def test_qr_posters_print_one_page_per_village_with_its_preset_form(county: County) -> None:
    content = await county.document("qr_posters")
    assert pdf_pages(content) == len(VILLAGES)
    pages = pdf_text(content).split("\f")
    for village, page in zip(VILLAGES, pages, strict=True):
        flat = page.replace("\n", "")
        assert village in page
        assert "宝丰县人民代表大会" in page and "意见建议征集" in page and "微信扫一扫" in page
        assert f"/t/{county.slug}/suggest?channel=qr_code&place={village}" in flat
        assert "—" not in page  # a poster is a sheet: no page number
    # The address in the QR code opens the public form with the channel and the village preset.
    form = await county.api.client.get(f"/t/{county.slug}/suggest", params={"channel": "qr_code", "place": VILLAGES[0]})
    assert form.status_code == 200
    assert 'name="channel" value="qr_code"' in form.text
    assert f'value="{VILLAGES[0]}"' in form.text


async def test_collection_report_counts_channels_villages_and_lists_candidates(county: County) -> None:
    for fmt, read in (("pdf", pdf_text), ("docx", docx_text)):
        text = read(await county.document("collection_report", fmt=fmt))
        assert "征集情况的说明" in text
        assert "微信二维码" in text and "人大代表联络站" in text
        assert "赵庄村" in text and "大营村" in text
        assert "杨庄社区" in text  # a known village without suggestions is named as a gap
        for title, unit, _budget in PROJECTS:
            assert title in text and unit in text
        assert "300" in text  # 3,000,000 yuan printed as 300 万元


async def test_round_documents_carry_the_vote(county: County) -> None:
    round_id = await county.decided_round()
    method = pdf_text(await county.document("voting_method", round_id))
    assert "票决办法" in method and "应选2项" in method and "差额1项" in method and "全体代表过半数" in method
    assert "赞成" in docx_text(await county.document("voting_method", round_id, "docx"))

    announcement = pdf_text(await county.document("result_announcement", round_id))
    assert "第三次会议主席团公告（第1号）" in announcement
    assert "实到代表5名" in announcement
    for title, _unit, _budget in PROJECTS:
        assert title in announcement
    assert "孤寡老人义诊未确定为民生实事项目" in announcement

    resolution = docx_text(await county.document("resolution", round_id, "docx"))
    assert "宝丰县第十七届人民代表大会第三次会议关于2026年民生实事项目的决议" in resolution
    assert "1. 道路提质改造（责任单位：交通局）" in resolution
    assert "孤寡老人义诊" not in resolution


async def test_ballot_papers_are_one_unnumbered_sheet_per_deputy_present(county: County) -> None:
    round_id = await county.draft_round()
    content = await county.document("ballot_paper", round_id)
    assert pdf_pages(content) == 5
    pages = pdf_text(content).split("\f")
    # No number a ballot could be traced by: every sheet is the same.
    assert "编号" not in pdf_text(content) and "本张为第" not in pdf_text(content)
    assert len({page.strip() for page in pages if page.strip()}) == 1
    for page in pages:
        assert "表决票" in page and "道路提质改造" in page
        assert "赞成" in page and "反对" in page and "弃权" in page


async def test_a_stored_document_is_listed_with_its_digest_and_audited(county: County) -> None:
    round_id = await county.decided_round()
    content = await county.document("result_announcement", round_id)
    headers = await county.headers()
    listed = await county.api.client.get(
        f"{county.base}/documents", params={"kind": "result_announcement", "subject_id": round_id}, headers=headers
    )
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 1
    item = body["items"][0]
    digest = hashlib.sha256(content).hexdigest()
    assert item["sha256"] == digest and item["label"] == "主席团公告" and item["format"] == "pdf"
    assert item["template"] == "minsheng.defaults:result_announcement.md.j2"
    events = await county.api.client.get(
        f"{county.base}/audit", params={"action": "document.generated"}, headers=headers
    )
    payload = events.json()["items"][0]["payload"]
    assert payload["sha256"] == digest and payload["file_id"] == item["file_id"]
    assert (await county.api.client.get(f"{county.base}/audit/verify", headers=headers)).json()["ok"] is True


async def test_the_same_data_renders_the_same_bytes(county: County) -> None:
    round_id = await county.decided_round()
    for fmt in ("pdf", "docx"):
        first = await county.document("result_announcement", round_id, fmt)
        second = await county.document("result_announcement", round_id, fmt)
        assert first == second, fmt


async def test_who_may_order_and_read_documents(api: Api, county: County) -> None:
    round_id = await county.decided_round()
    deputy = county.deputy_headers[0]
    assert (await county.order("resolution", round_id, headers=deputy)).status_code == 403
    assert (await api.client.get(f"{county.base}/documents", headers=deputy)).status_code == 403
    government = await county.add_member(f"gov-{county.slug}", ["government"])
    assert (await county.order("resolution", round_id, headers=government)).status_code == 403
    offered = {
        kind["code"] for kind in (await api.client.get(f"{county.base}/documents/kinds", headers=government)).json()
    }
    assert not offered & {"qr_posters", "collection_report", "voting_method", "ballot_paper", "resolution"}
    assert (await api.client.get(f"{county.base}/documents", headers=government)).status_code == 200
    neighbour = await open_county(api, deputies=0)
    stranger = await neighbour.headers()
    assert (await county.order("resolution", round_id, headers=stranger)).status_code == 404
    assert (await api.client.get(f"{county.base}/documents", headers=stranger)).status_code == 404
    # A round of another tenant is not found from this one.
    assert (await neighbour.order("resolution", round_id)).status_code == 404


async def test_refusals_are_explained(county: County) -> None:
    unknown = await county.order("horoscope")
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == translate("There is no document kind {kind}", "zh_CN", kind="horoscope")
    english = await county.order("horoscope", headers={**await county.headers(), "Accept-Language": "en"})
    assert english.json()["detail"] == "There is no document kind horoscope"
    assert (await county.order("ballot_paper", fmt="docx")).status_code == 422
    assert (await county.order("resolution")).status_code == 422  # no round named
    draft = await county.draft_round()
    assert (await county.order("result_announcement", draft)).status_code == 409  # not decided yet
