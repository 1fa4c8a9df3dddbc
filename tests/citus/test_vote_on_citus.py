"""The secret vote on a Citus cluster: 300 deputies each send their ballot three times at once, exactly
one is stored for each; the closed round's export verifies offline; the sealed ballots and the
participations sit on the worker holding the county's shards, and nowhere else."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from minsheng.cli import main
from minsheng.testing import Api

pytestmark = pytest.mark.citus

DEPUTIES = 300


async def test_three_hundred_deputies_sending_three_times_at_once_leave_one_ballot_each(
    api: Api, hall, cluster, tmp_path: Path
) -> None:
    await hall.add_deputies(DEPUTIES)
    projects = await hall.add_projects(12)
    round_id = await hall.open_round(projects, 10)
    ballot = {"selected": [str(p) for p in projects[:10]]}

    async def vote(deputy: int):
        # A saturated database answers 503 (nothing saved, Retry-After): a phone sends it again.
        for _ in range(30):
            response = await hall.vote(round_id, deputy, ballot)
            if response.status_code != 503:
                return response
            await asyncio.sleep(0.2)
        return response

    responses = await asyncio.gather(*(vote(deputy) for deputy in range(DEPUTIES) for _ in range(3)))
    per_deputy = [sorted(r.status_code for r in responses[i * 3 : i * 3 + 3]) for i in range(DEPUTIES)]
    assert all(codes == [201, 409, 409] for codes in per_deputy), [c for c in per_deputy if c != [201, 409, 409]]

    # Where the rows are: on the worker holding the county's shard of each table, nowhere else.
    tenant = str(hall.tenant_id)
    for table in ("sealed_ballots", "participations"):
        shard, _host, port = await cluster.tenant_shard(table, tenant)
        assert port in {w.port for w in cluster.workers}, "on a worker, not the coordinator"
        for worker in cluster.workers:
            async with cluster.connect(cluster.worker_url(worker)) as conn:
                here = await conn.execute(
                    text(f"SELECT count(*) FROM {table}_{shard} WHERE tenant_id = CAST(:t AS uuid)")
                    if worker.port == port
                    else text("SELECT to_regclass(:shard) IS NOT NULL"),
                    {"t": tenant} if worker.port == port else {"shard": f"{table}_{shard}"},
                )
                assert here.scalar() == (DEPUTIES if worker.port == port else False), (table, worker)

    closed = await hall.close(round_id)
    assert closed.status_code == 200, closed.text
    assert closed.json()["valid"] == DEPUTIES
    export = await api.client.get(f"{hall.base}/rounds/{round_id}/export", headers=await hall.clerk())
    assert export.status_code == 200, export.text
    path = tmp_path / "round.json"
    path.write_text(json.dumps(export.json(), ensure_ascii=False), encoding="utf-8")
    verified = await asyncio.to_thread(CliRunner().invoke, main, ["verify", str(path)])
    assert verified.exit_code == 0, verified.output
    assert f"receipts: {DEPUTIES}, apart from the contents" in verified.output
    assert "OK: the round export verifies" in verified.output
