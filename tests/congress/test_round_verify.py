"""Must show 8: ``minsheng verify`` passes on a round export and fails when the export is altered."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from minsheng.cli import main
from minsheng.congress.voting.rules import receipt_code
from minsheng.congress.voting.verify import verify_round_export
from minsheng.testing import Api


async def _finished_round(api: Api, hall) -> tuple[str, dict[str, Any]]:
    await hall.add_deputies(6)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2)
    for deputy in range(6):
        selected = [str(projects[deputy % 3]), str(projects[(deputy + 1) % 3])][: 1 + deputy % 2]
        assert (await hall.vote(round_id, deputy, {"selected": selected})).status_code == 201
    assert (await hall.close(round_id)).status_code == 200
    response = await api.client.get(f"{hall.base}/rounds/{round_id}/export", headers=await hall.clerk())
    assert response.status_code == 200, response.text
    return round_id, response.json()


def _verify(tmp_path: Path, document: dict[str, Any]) -> Any:
    path = tmp_path / "round.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return CliRunner().invoke(main, ["verify", str(path)])


async def test_an_export_of_a_finished_round_verifies_offline(api: Api, hall, tmp_path: Path) -> None:
    round_id, document = await _finished_round(api, hall)
    assert document["format"] == "minsheng-round-export/1"
    assert document["round"]["id"] == round_id
    assert (document["round"]["entitled"], document["round"]["issued"], document["round"]["returned"]) == (6, 6, 6)
    receipts = [ballot["receipt"] for ballot in document["ballots"]]
    assert receipts == sorted(receipts) and len(receipts) == 6
    assert not any("deputy" in key for ballot in document["ballots"] for key in ballot)
    assert document["chain"][-1]["action"] == "round.closed"
    assert document["result"]["chain_head"] == document["chain"][-1]["digest"]

    outcome = _verify(tmp_path, document)
    assert outcome.exit_code == 0, outcome.output
    assert "receipts: all 6 recomputed" in outcome.output
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
    assert f"MISMATCH: ballot {ballot['id']}: receipt {ballot['receipt']} does not match its content" in outcome.output

    # A forger who also recomputes the receipt is caught by the hashes in the chain.
    ballot["receipt"] = receipt_code(uuid.UUID(ballot["id"]), ballot["content"])
    report = verify_round_export(altered)
    assert not report.ok and "is not the one the chain records" in str(report.failure)


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
