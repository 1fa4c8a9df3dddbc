"""a priority-ranking round voted, tallied and closed through the real platform.

Seeding goes through the public API only (roster, projects, screening, session, check-in), as any
plugin author's tests would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from minsheng.testing import Api, installed_plugins, tenant_hooks_of, verify_round_export

EN = {"Accept-Language": "en"}


@dataclass
class County:
    api: Api
    slug: str
    deputies: list[str] = field(default_factory=list)
    tellers: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"/api/v1/t/{self.slug}"

    async def clerk(self) -> dict[str, str]:
        return {**await self.api.headers(f"clerk-{self.slug}"), **EN}

    async def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return await self.api.client.post(f"{self.base}{path}", json=body, headers=headers or await self.clerk())

    async def add_deputies(self, count: int) -> None:
        for number in range(count):
            username = f"deputy{number}-{self.slug}"
            await self.api.add_member(self.slug, username, ["deputy"])
            added = await self.post("/deputies", {"name": f"代表{number}", "username": username})
            assert added.status_code == 201, added.text
            self.deputies.append(username)

    async def add_projects(self, count: int) -> list[str]:
        ids = []
        for number in range(count):
            made = await self.post("/projects", {"title": f"项目{number}", "content": "内容", "category": "education"})
            assert made.status_code == 201, made.text
            project = made.json()["id"]
            screened = await self.post(f"/projects/{project}/screening", {"decision": "accepted"})
            assert screened.status_code == 200, screened.text
            ids.append(project)
        return ids

    async def session_with_everyone(self) -> str:
        made = await self.post("/sessions", {"title": "第一次会议", "date": "2026-01-10"})
        assert made.status_code == 201, made.text
        session_id = made.json()["id"]
        roster = (await self.api.client.get(f"{self.base}/deputies?per_page=100", headers=await self.clerk())).json()
        for deputy in roster["items"]:
            checked = await self.post(f"/sessions/{session_id}/checkins", {"deputy_id": deputy["id"]})
            assert checked.status_code == 201, checked.text
        for teller in self.tellers:
            approved = await self.post(f"/sessions/{session_id}/scrutineers", {"username": teller, "role": "teller"})
            assert approved.status_code == 201, approved.text
        adopted = await self.post(f"/sessions/{session_id}/voting-method", None)
        assert adopted.status_code == 200, adopted.text
        return str(session_id)

    async def fix_candidate_list(self, candidates: list[str], seats: int) -> None:
        """Put the candidates on 2026's candidate list and fix it: a round takes its candidates from there."""
        listed = await self.api.client.put(
            f"{self.base}/candidate-lists/2026",
            json={"planned_seats": seats, "project_ids": candidates},
            headers=await self.clerk(),
        )
        assert listed.status_code == 200, listed.text
        fixed = await self.post("/candidate-lists/2026/fix", None)
        assert fixed.status_code == 200, fixed.text

    async def new_round(self, candidates: list[str], seats: int, method: str = "electronic") -> Any:
        await self.fix_candidate_list(candidates, seats)
        session_id = await self.session_with_everyone()
        return await self.post(
            f"/sessions/{session_id}/rounds",
            {
                "title": "民生实事项目排序票决",
                "seats": seats,
                "candidates": candidates,
                "ballot_format": "priority_ranking",
                "method": method,
            },
        )

    async def open_round(self, candidates: list[str], seats: int, method: str = "electronic") -> str:
        created = await self.new_round(candidates, seats, method)
        assert created.status_code == 201, created.text
        round_id = str(created.json()["id"])
        opened = await self.post(f"/rounds/{round_id}/open", None)
        assert opened.status_code == 200, opened.text
        return round_id

    async def vote(self, round_id: str, deputy: int, ranked: list[str]) -> Any:
        headers = {**await self.api.headers(self.deputies[deputy]), **EN}
        return await self.post(f"/rounds/{round_id}/ballots", {"selected": ranked}, headers)

    async def closed_tally(self, round_id: str) -> dict[str, dict[str, int]]:
        """The tally the round.closed audit event recorded (points included)."""
        page = await self.api.client.get(f"{self.base}/audit?per_page=100", headers=await self.clerk())
        events = [e for e in page.json()["items"] if e["action"] == "round.closed" and e["subject"] == round_id]
        assert len(events) == 1
        return dict(events[0]["payload"]["tally"])


async def zhejiang(api: Api, deputies: int) -> County:
    """Zhenhai (with the plugin) and Cixi (without), under one province."""
    await api.create_tenant("zj", "province")
    await api.create_tenant("zhenhai", "county", "zj", plugins=["zhejiang"])
    await api.create_tenant("cixi", "county", "zj")
    for slug in ("zhenhai", "cixi"):
        await api.add_member(slug, f"clerk-{slug}", ["tenant_admin", "standing_committee", "presidium", "government"])
    county = County(api, "zhenhai")
    await county.add_deputies(deputies)
    return county


def chosen(result: dict[str, Any]) -> list[tuple[str, int]]:
    return [(row["project_id"], row["rank"]) for row in result["candidates"] if row["chosen"]]


def votes(result: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {row["project_id"]: (row["yes"], row["no"], row["abstain"]) for row in result["candidates"]}


async def test_the_plugin_is_installed() -> None:
    assert "zhejiang" in installed_plugins()


async def test_an_electronic_ranking_round_is_voted_and_the_majority_decides(api: Api) -> None:
    county = await zhejiang(api, 5)
    a, b, c, d = await county.add_projects(4)
    round_id = await county.open_round([a, b, c, d], 3)

    over = await county.vote(round_id, 0, [a, b, c, d])
    assert over.status_code == 422
    assert "4 candidates are ranked, more than the 3 allowed" in over.text
    twice = await county.vote(round_id, 0, [a, a])
    assert twice.status_code == 422
    assert (await county.vote(round_id, 0, [])).status_code == 422

    for deputy, ranked in enumerate([[a, b, c], [b, a], [c, b, a], [b], [d, b, c]]):
        cast = await county.vote(round_id, deputy, ranked)
        assert cast.status_code == 201, cast.text
    closed = await county.post(f"/rounds/{round_id}/close", None)
    assert closed.status_code == 200, closed.text
    result = closed.json()
    assert result["status"] == "decided"
    assert (result["valid"], result["invalid"], result["ballots_returned"]) == (5, 0, 5)
    # Ranked = yes, unranked = no; more than half of the 5 deputies (3) is needed.
    assert votes(result) == {a: (3, 2, 0), b: (5, 0, 0), c: (3, 2, 0), d: (1, 4, 0)}
    assert {project for project, _rank in chosen(result)} == {a, b, c}
    tally = await county.closed_tally(round_id)
    assert {project: counts["yes"] for project, counts in tally.items()} == {a: 3, b: 5, c: 3, d: 1}
    # Each ballot of k ranked gives k + ... + 1 points, whatever the platform does to their order (see below).
    assert sum(counts["points"] for counts in tally.values()) == 6 + 3 + 6 + 1 + 6


async def test_an_electronic_ranking_keeps_its_order(api: Api) -> None:
    county = await zhejiang(api, 1)
    low, middle, high = sorted(await county.add_projects(3))
    round_id = await county.open_round([low, middle, high], 2)
    # Ranked against the ids' sort order, so a sorted copy cannot pass for the ranking.
    assert (await county.vote(round_id, 0, [high, middle])).status_code == 201
    closed = await county.post(f"/rounds/{round_id}/close", None)
    assert closed.status_code == 200, closed.text
    tally = await county.closed_tally(round_id)
    assert (tally[high]["points"], tally[middle]["points"]) == (2, 1)
    # The points are in the result as each candidate's own figures, and order the chosen.
    result = closed.json()
    assert {row["project_id"]: row["figures"] for row in result["candidates"]} == {
        high: {"points": 2},
        middle: {"points": 1},
        low: {"points": 0},
    }
    assert chosen(result) == [(high, 1), (middle, 2)]
    # The export carries them and the offline verifier recomputes them; a changed figure is caught.
    exported = await county.api.client.get(f"{county.base}/rounds/{round_id}/export", headers=await county.clerk())
    assert exported.status_code == 200, exported.text
    document = exported.json()
    assert verify_round_export(document).ok
    for row in document["result"]["candidates"]:
        if row["project_id"] == middle:
            row["figures"] = {"points": 2}
    report = verify_round_export(document)
    assert not report.ok and "figures" in str(report.failure)


async def test_a_reordered_ranking_fails_its_ballot_hash(api: Api) -> None:
    """The order of a ranking is part of the ballot: reordered in the export, its hash is no longer the
    one the chain recorded at the close (receipts are published apart and prove inclusion only)."""
    county = await zhejiang(api, 1)
    a, b, c = await county.add_projects(3)
    round_id = await county.open_round([a, b, c], 2)
    assert (await county.vote(round_id, 0, [c, a])).status_code == 201
    assert (await county.post(f"/rounds/{round_id}/close", None)).status_code == 200
    document = (
        await county.api.client.get(f"{county.base}/rounds/{round_id}/export", headers=await county.clerk())
    ).json()
    assert document["ballots"][0]["content"] == [c, a]
    document["ballots"][0]["content"] = [a, c]
    report = verify_round_export(document)
    assert not report.ok and "ballot hash" in str(report.failure)


async def test_a_paper_ranking_round_is_counted_by_rank_column_and_ordered_by_points(api: Api) -> None:
    county = await zhejiang(api, 5)
    for teller in ("teller-1", "teller-2"):
        await api.add_member("zhenhai", teller, ["teller"])
        county.tellers.append(teller)
    a, b, c, d = await county.add_projects(4)
    round_id = await county.open_round([a, b, c, d], 3, method="paper")
    # The rank column as written: project -> number. The last ballot ranks 4 projects: invalid.
    paper = [
        {a: 1, b: 2, c: 3},  # a 3, b 2, c 1
        {c: 1, a: 2, b: 3},  # c 3, a 2, b 1
        {c: 1, b: 2},  # c 2, b 1
        {a: 1, c: 2, d: 3},  # a 3, c 2, d 1
        {a: 1, b: 2, c: 3, d: 4},
    ]
    for teller in ("teller-1", "teller-2"):
        entered = await county.post(
            f"/rounds/{round_id}/paper-ballots", {"ballots": paper}, {**await api.headers(teller), **EN}
        )
        assert entered.status_code == 201, entered.text
        assert (entered.json()["valid"], entered.json()["invalid"]) == (4, 1)
    closed = await county.post(f"/rounds/{round_id}/close", {"ballots_issued": 5, "ballots_returned": 5})
    assert closed.status_code == 200, closed.text
    result = closed.json()
    assert (result["status"], result["valid"], result["invalid"]) == ("decided", 4, 1)
    # Approvals of 5 deputies: a 3, b 3, c 4, d 1; more than half (3 of 5) chooses a, b and c.
    assert votes(result) == {a: (3, 1, 0), b: (3, 1, 0), c: (4, 0, 0), d: (1, 3, 0)}
    tally = await county.closed_tally(round_id)
    assert {project: counts["points"] for project, counts in tally.items()} == {a: 8, b: 4, c: 8, d: 1}
    # Points first (a and c 8, b 4), then approvals (c 4 before a 3).
    assert chosen(result) == [(c, 1), (a, 2), (b, 3)]


async def test_two_tellers_entering_one_ranking_in_different_orders_disagree(api: Api) -> None:
    county = await zhejiang(api, 1)
    for teller in ("teller-1", "teller-2"):
        await api.add_member("zhenhai", teller, ["teller"])
        county.tellers.append(teller)
    a, b, c = await county.add_projects(3)
    round_id = await county.open_round([a, b, c], 2, method="paper")
    for teller, ranked in (("teller-1", [c, a]), ("teller-2", [a, c])):
        entered = await county.post(
            f"/rounds/{round_id}/paper-ballots", {"ballots": [ranked]}, {**await api.headers(teller), **EN}
        )
        assert entered.status_code == 201, entered.text
    compared = await api.client.get(
        f"{county.base}/rounds/{round_id}/paper-entries", headers={**await api.headers("teller-1"), **EN}
    )
    assert compared.status_code == 200, compared.text
    assert compared.json()["agree"] is False
    assert sorted(d["content"] for d in compared.json()["differences"]) == sorted([[c, a], [a, c]])
    closed = await county.post(f"/rounds/{round_id}/close", {"ballots_issued": 1, "ballots_returned": 1})
    assert closed.status_code == 409


async def test_the_neighbour_has_no_ranking_format_and_keeps_the_platform_rules(api: Api) -> None:
    await zhejiang(api, 0)
    cixi = County(api, "cixi")
    await cixi.add_deputies(1)
    projects = await cixi.add_projects(4)
    refused = await cixi.new_round(projects, 3)
    assert refused.status_code == 422
    assert "Unknown ballot format priority_ranking" in refused.text

    rules = {}
    for slug in ("zhenhai", "cixi"):
        rules[slug] = await tenant_hooks_of(api, slug)
    assert "priority_ranking" in rules["zhenhai"].ballot_formats()
    assert set(rules["cixi"].ballot_formats()) == {"yes_no_abstain", "approve_up_to_seats"}
    assert rules["zhenhai"].supervision_methods()["special_inquiry"].required is True
    assert rules["cixi"].supervision_methods()["special_inquiry"].required is False
    counts = {"satisfied": 14, "unsatisfied": 2, "abstain": 10}
    ours, theirs = (rules[slug].satisfaction_rule(counts=counts, members=29) for slug in ("zhenhai", "cixi"))
    assert (ours.outcome, ours.rectification_required) == (theirs.outcome, theirs.rectification_required)
    assert ours.reason is not None and theirs.reason is not None
    assert "10 abstained" in ours.reason.render()
    assert "abstained" not in theirs.reason.render()
    # A round of another format in Zhenhai is left to the defaults' outcome rule (no points in its tally).
    tally = {"x": {"yes": 6, "no": 4, "abstain": 0}, "y": {"yes": 7, "no": 3, "abstain": 0}}
    outcome = rules["zhenhai"].outcome_rule(tally=tally, seats=2, entitled=10)
    assert outcome == rules["cixi"].outcome_rule(tally=tally, seats=2, entitled=10)
    # The round's format decides when the platform names it: the same tally with points is ordered
    # by points in a ranking round, and left to the defaults (by approvals) in an approval round.
    pointed = {"x": {"yes": 6, "no": 4, "abstain": 0, "points": 9}, "y": {"yes": 7, "no": 3, "abstain": 0, "points": 7}}
    ranking = rules["zhenhai"].outcome_rule(tally=pointed, seats=2, entitled=10, ballot_format="priority_ranking")
    assert [(r.candidate, r.rank) for r in ranking.chosen] == [("x", 1), ("y", 2)]
    approval = rules["zhenhai"].outcome_rule(tally=pointed, seats=2, entitled=10, ballot_format="approve_up_to_seats")
    assert [(r.candidate, r.rank) for r in approval.chosen] == [("y", 1), ("x", 2)]
