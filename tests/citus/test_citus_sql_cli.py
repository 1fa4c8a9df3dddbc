"""``minsheng db citus-sql`` works from the command line, in a process that imported nothing before it:
the script names every table of the schema, each once, with the kind and the reason it was given."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from minsheng.db.base import Base
from minsheng.db.citus import COORDINATOR_TABLES, REFERENCE_TABLES, distribution_sql, placements

MINSHENG = Path(sys.executable).parent / "minsheng"


def test_the_command_prints_the_whole_script_in_a_fresh_process() -> None:
    result = subprocess.run([MINSHENG, "db", "citus-sql", "--shard-count", "8"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == distribution_sql(8)
    distributed = re.findall(r"create_distributed_table\('(\w+)', 'tenant_id'", result.stdout)
    reference = re.findall(r"create_reference_table\('(\w+)'\)", result.stdout)
    assert len(distributed) > 30 and len(set(distributed)) == len(distributed)
    assert reference == list(REFERENCE_TABLES)
    assert "SET LOCAL citus.shard_count TO 8;" in result.stdout


def test_every_table_has_one_kind_and_a_reason() -> None:
    placed = placements()
    assert set(placed) == {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
    kinds = {name: kind for name, (kind, _reason) in placed.items()}
    assert {n for n, k in kinds.items() if k == "reference"} == set(REFERENCE_TABLES)
    assert {n for n, k in kinds.items() if k == "local"} == set(COORDINATOR_TABLES)
    assert all(len(reason) > 20 for _kind, reason in placed.values())


def test_the_reference_tables_come_after_the_ones_they_point_at() -> None:
    order = list(REFERENCE_TABLES)
    for name in order:
        for fk in Base.metadata.tables[name].foreign_key_constraints:
            target = fk.elements[0].column.table.name
            assert target == name or order.index(target) < order.index(name), f"{name} → {target}"


def test_a_table_the_script_does_not_know_is_refused() -> None:
    from sqlalchemy import Column, Integer, Table

    table = Table("unplaced_probe", Base.metadata, Column("id", Integer, primary_key=True))
    try:
        try:
            placements()
        except ValueError as exc:
            assert "unplaced_probe" in str(exc)
        else:
            raise AssertionError("a table with no place was accepted")
    finally:
        Base.metadata.remove(table)
