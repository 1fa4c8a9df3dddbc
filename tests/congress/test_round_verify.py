"""``minsheng verify`` passes on a round export and fails when the export is altered."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from minsheng.cli import main
from minsheng.congress.voting.verify import verify_round_export
from minsheng.testing import Api


async def _finished_round(api: Api, hall) -> tuple[str, dict[str, Any]]:
    await hall.add_deputies(6)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2)
    receipts = []
    for deputy in range(6):
        selected = [str(projects[deputy % 3]), str(projects[(deputy + 1) % 3])][: 1 + deputy % 2]
        cast = await hall.vote(round_id, deputy, {"selected": selected})
        assert cast.status_code == 201
        receipts.append(cast.json()["receipt"])
    closed = await hall.close(round_id)
    assert closed.status_code == 200
    assert closed.json()["receipts"] == sorted(receipts)
    response = await api.client.get(f"{hall.base}/rounds/{round_id}/export", headers=await hall.clerk())
    assert response.status_code == 200, response.text
    return round_id, response.json()


def _verify(tmp_path: Path, document: dict[str, Any]) -> Any:
    path = tmp_path / "round.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return CliRunner().invoke(main, ["verify", str(path)])


async def test_an_export_of_a_finished_round_verifies_offline(api: Api, hall, tmp_path: Path) -> None:
    round_id, document = await _finished_round(api, hall)
    assert document["format"] == "minsheng-round-export/2"
    assert document["round"]["id"] == round_id
    assert (document["round"]["entitled"], document["round"]["issued"], document["round"]["returned"]) == (6, 6, 6)
    # Receipts and contents are two separate sorted lists: nothing pairs a receipt with marks.
    receipts = document["receipts"]
    assert receipts == sorted(receipts) and len(set(receipts)) == 6
    assert all(isinstance(code, str) for code in receipts)
    assert all(set(ballot) == {"id", "content", "valid"} for ballot in document["ballots"])
    ids = [ballot["id"] for ballot in document["ballots"]]
    assert ids == sorted(ids) and len(ids) == 6
    text = json.dumps({k: v for k, v in document.items() if k != "receipts"})
    # A receipt appears elsewhere only in the result's own list and the chain's own list, never beside marks.
    for code in receipts:
        assert text.count(code) == 2, code
    assert document["chain"][-1]["payload"]["receipts"] == receipts
    assert document["chain"][-1]["action"] == "round.closed"
    assert document["result"]["chain_head"] == document["chain"][-1]["digest"]

    outcome = _verify(tmp_path, document)
    assert outcome.exit_code == 0, outcome.output
    assert "receipts: 6, apart from the contents, exactly those the chain records" in outcome.output
    assert "tally: recomputed through approve_up_to_seats" in outcome.output
    assert "OK: the round export verifies" in outcome.output


async def test_an_altered_ballot_fails_verification(api: Api, hall, tmp_path: Path) -> None:
    _round_id, document = await _finished_round(api, hall)
    altered = copy.deepcopy(document)
    ballot = altered["ballots"][0]
    others = [c for c in altered["round"]["candidates"] if c not in ballot["content"]]
    ballot["content"] = [others[0]]
    outcome = _verify(tmp_path, altered)
    assert outcome.exit_code == 1
    assert "is not the one the chain records" in outcome.output


async def test_altered_or_paired_receipts_fail_verification(api: Api, hall) -> None:
    _round_id, document = await _finished_round(api, hall)
    forged = copy.deepcopy(document)
    forged["receipts"][0] = "0" * 12
    report = verify_round_export(forged)
    assert not report.ok and "receipts are not those the round.closed event records" in str(report.failure)
    dropped = copy.deepcopy(document)
    del dropped["receipts"][-1]
    assert not verify_round_export(dropped).ok
    paired = copy.deepcopy(document)
    paired["ballots"][0]["receipt"] = paired["receipts"][0]
    report = verify_round_export(paired)
    assert not report.ok and "must not pair receipts with contents" in str(report.failure)


async def test_a_removed_ballot_fails_verification(api: Api, hall, tmp_path: Path) -> None:
    _round_id, document = await _finished_round(api, hall)
    removed = copy.deepcopy(document)
    del removed["ballots"][2]
    outcome = _verify(tmp_path, removed)
    assert outcome.exit_code == 1
    assert "MISMATCH: 5 ballots in the export but the round.closed event records 6" in outcome.output


async def test_an_altered_result_fails_verification(api: Api, hall, tmp_path: Path) -> None:
    _round_id, document = await _finished_round(api, hall)
    altered = copy.deepcopy(document)
    row = altered["result"]["candidates"][-1]
    row["yes"] += 1
    outcome = _verify(tmp_path, altered)
    assert outcome.exit_code == 1
    assert f"MISMATCH: result gives {row['project_id']} {row['yes']} yes; the tally has {row['yes'] - 1}" in (
        outcome.output
    )
    assert "ok: tally: recomputed" in outcome.output, "what matched is printed before the mismatch"

    chain = copy.deepcopy(document)
    chain["chain"][-1]["payload"]["tally"][row["project_id"]]["yes"] += 1
    report = verify_round_export(chain)
    assert not report.ok and "audit chain broken at event" in str(report.failure)


async def test_only_a_closed_round_is_exported_and_only_to_round_managers(api: Api, hall) -> None:
    await hall.add_deputies(3)
    projects = await hall.add_projects(2)
    round_id = await hall.open_round(projects, 1)
    url = f"{hall.base}/rounds/{round_id}/export"
    assert (await api.client.get(url, headers=await hall.clerk())).status_code == 409
    assert (await api.client.get(url, headers=await hall.teller())).status_code == 403


async def test_a_forged_format_figure_fails_verification(api: Api, hall) -> None:
    _round_id, document = await _finished_round(api, hall)
    # The built-in formats count no figures of their own: every candidate's are empty.
    assert all(row["figures"] == {} for row in document["result"]["candidates"])
    forged = copy.deepcopy(document)
    forged["result"]["candidates"][0]["figures"] = {"points": 3}
    report = verify_round_export(forged)
    assert not report.ok and "figures" in str(report.failure)
    # A result stored before figures existed (no key) still verifies on its tally.
    older = copy.deepcopy(document)
    for row in older["result"]["candidates"]:
        del row["figures"]
    assert verify_round_export(older).ok


async def test_a_round_counted_without_the_yes_limit_verifies_under_its_own_rules(api: Api, another_hall) -> None:
    """The close records the settings the ballots were checked under: a tenant that turned 多选作废 off has
    a ballot with more yes than seats counted valid, and the offline verifier agrees; told the default
    rule instead, it finds the mismatch."""
    hall = await another_hall(deputies=2, settings={"minsheng.defaults": {"yes_within_seats": False}})
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2, "yes_no_abstain")
    for deputy in range(2):
        ballot = {"choices": {str(p): "yes" for p in projects}}
        assert (await hall.vote(round_id, deputy, ballot)).status_code == 201
    assert (await hall.close(round_id)).json()["valid"] == 2
    document = (await api.client.get(f"{hall.base}/rounds/{round_id}/export", headers=await hall.clerk())).json()
    assert document["chain"][-1]["payload"]["settings"]["minsheng.defaults"]["yes_within_seats"] is False
    assert verify_round_export(document).ok, verify_round_export(document).failure
    from minsheng.plugins.rules.ballot_formats import YES_NO_ABSTAIN

    strict = verify_round_export(document, formats={"yes_no_abstain": YES_NO_ABSTAIN})
    assert not strict.ok and "valid=True" in str(strict.failure)
