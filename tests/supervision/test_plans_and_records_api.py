"""The supervision plan and its groups, records validated against the method's fields, missing methods."""

from __future__ import annotations

from typing import Any

from minsheng.testing import Api

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_a_plan_assigns_a_presidium_member_or_deputies_to_each_chosen_project(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=3)
    first, second = await office.add_projects(2)
    (not_chosen,) = await office.add_projects(1, chosen=False)
    await office.add_member(f"zhuxi-{office.slug}", ["presidium"])
    chosen = await api.client.get(f"{office.base}/supervision/chosen-projects?year=2026", headers=await office.clerk())
    assert {p["id"] for p in chosen.json()["items"]} == {str(first), str(second)}

    created = await api.client.post(
        f"{office.base}/supervision/plans",
        json={"year": 2026, "title": "2026年民生实事项目监督计划"},
        headers=await office.clerk(),
    )
    assert created.status_code == 201, created.text
    plan = created.json()["id"]
    duplicate = await api.client.post(
        f"{office.base}/supervision/plans", json={"year": 2026, "title": "again"}, headers=await office.clerk()
    )
    assert duplicate.status_code == 409
    groups = f"{office.base}/supervision/plans/{plan}/groups"
    empty_adopt = await api.client.post(
        f"{office.base}/supervision/plans/{plan}/adopt", headers=await office.committee()
    )
    assert empty_adopt.status_code == 409

    by_member = await api.client.post(
        groups,
        json={"project_id": str(first), "leader": f"zhuxi-{office.slug}", "methods": ["inspection", "special_inquiry"]},
        headers=await office.clerk(),
    )
    assert by_member.status_code == 201, by_member.text
    by_deputies = await api.client.post(
        groups,
        json={"project_id": str(second), "name": "第二代表小组", "deputy_ids": [str(d) for d in office.deputies[:2]]},
        headers=await office.clerk(),
    )
    assert by_deputies.status_code == 201, by_deputies.text
    for refused, status in (
        ({"project_id": str(first), "deputy_ids": [str(office.deputies[2])]}, 409),  # one group per project
        ({"project_id": str(not_chosen), "deputy_ids": [str(office.deputies[2])]}, 409),  # not chosen
        ({"project_id": str(second)}, 422),  # nobody
        ({"project_id": str(first), "leader": f"officer-{office.slug}"}, 422),  # not of the presidium
        ({"project_id": str(first), "leader": f"zhuxi-{office.slug}", "methods": ["dancing"]}, 422),
    ):
        response = await api.client.post(groups, json=refused, headers=await office.clerk())
        assert response.status_code == status, (refused, response.text)
    as_deputy = await api.client.post(groups, json={"project_id": str(first)}, headers=office.deputy_headers[0])
    assert as_deputy.status_code == 403

    # The office prepared the plan; only the standing committee adopts it.
    by_clerk = await api.client.post(f"{office.base}/supervision/plans/{plan}/adopt", headers=await office.clerk())
    assert by_clerk.status_code == 403
    adopted = await api.client.post(f"{office.base}/supervision/plans/{plan}/adopt", headers=await office.committee())
    assert adopted.status_code == 200, adopted.text
    body = adopted.json()
    assert body["status"] == "adopted" and body["adopted_by"] == f"committee-{office.slug}"
    assert [(g["project_title"], g["leader"], g["methods"]) for g in body["groups"]] == [
        ("项目0", f"zhuxi-{office.slug}", ["inspection", "special_inquiry"]),
        ("项目1", None, []),
    ]
    assert body["groups"][1]["deputy_ids"] == [str(d) for d in office.deputies[:2]]
    listed = (await api.client.get(f"{office.base}/supervision/plans", headers=office.deputy_headers[0])).json()
    assert listed["total"] == 1 and listed["items"][0]["status"] == "adopted"


async def test_records_follow_their_methods_fields_and_show_what_is_missing(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=1, plugins=["henan-baofeng"])
    (project,) = await office.add_projects(1)
    methods = (await api.client.get(f"{office.base}/supervision/methods", headers=await office.clerk())).json()
    required = sorted(m["code"] for m in methods if m["required"])
    assert required == ["follow_up_review", "quarterly_meeting"]  # Henan (Baofeng) marks them required
    plan = (
        await api.client.post(
            f"{office.base}/supervision/plans", json={"year": 2026, "title": "监督计划"}, headers=await office.clerk()
        )
    ).json()["id"]
    await api.client.post(
        f"{office.base}/supervision/plans/{plan}/groups",
        json={"project_id": str(project), "deputy_ids": [str(office.deputies[0])], "methods": ["inspection"]},
        headers=await office.clerk(),
    )
    coverage = (
        await api.client.get(f"{office.base}/projects/{project}/supervision", headers=await office.clerk())
    ).json()
    assert coverage["missing"] == coverage["required"]
    assert set(coverage["required"]) == {"inspection", "follow_up_review", "quarterly_meeting"}

    records = f"{office.base}/projects/{project}/supervision-records"
    wrong = await api.client.post(
        records,
        json={"method": "inspection", "fields": {"held_on": "not a date", "places": "村委会", "colour": "red"}},
        headers=office.deputy_headers[0],
    )
    assert wrong.status_code == 422
    keys = {error["key"] for error in wrong.json()["errors"]}
    assert keys == {"fields.held_on", "fields.places", "fields.colour", "fields.participants", "fields.findings"}
    unknown = await api.client.post(records, json={"method": "dancing"}, headers=office.deputy_headers[0])
    assert unknown.status_code == 422

    photo = (
        await api.client.post(
            f"{office.base}/files", files={"data": ("site.png", PNG, "image/png")}, headers=office.deputy_headers[0]
        )
    ).json()["id"]
    scan = (
        await api.client.post(
            f"{office.base}/files",
            files={"data": ("minutes.pdf", PDF, "application/pdf")},
            headers=office.deputy_headers[0],
        )
    ).json()["id"]
    inspection = {
        "method": "inspection",
        "fields": {
            "held_on": "2026-05-12",
            "places": ["东村卫生室"],
            "participants": ["代表000"],
            "findings": "设备已到位",
        },
        "visits": [{"place": "东村卫生室", "visited_on": "2026-05-12", "notes": "查看义诊记录"}],
        "photo_ids": [photo],
    }
    not_a_photo = await api.client.post(
        records, json={**inspection, "photo_ids": [scan]}, headers=office.deputy_headers[0]
    )
    assert not_a_photo.status_code == 422
    added = await api.client.post(records, json=inspection, headers=office.deputy_headers[0])
    assert added.status_code == 201, added.text
    assert added.json()["photo_ids"] == [photo]
    assert added.json()["visits"][0]["place"] == "东村卫生室"
    meeting = {
        "method": "quarterly_meeting",
        "fields": {"held_on": "2026-04-01", "participants": ["主席团"], "percent_done": 40},
    }
    assert (await api.client.post(records, json=meeting, headers=await office.clerk())).status_code == 201

    coverage = (
        await api.client.get(f"{office.base}/projects/{project}/supervision", headers=await office.clerk())
    ).json()
    assert set(coverage["done"]) == {"inspection", "quarterly_meeting"}
    assert coverage["missing"] == ["follow_up_review"]
    listed = (await api.client.get(f"{records}?method=inspection", headers=await office.officer())).json()
    assert listed["total"] == 1 and listed["items"][0]["photo_ids"] == [photo]
    assert (await api.client.get(records, headers=await office.officer())).json()["total"] == 2
    by_officer = await api.client.post(records, json=meeting, headers=await office.officer())
    assert by_officer.status_code == 403
