"""The Citus script distributes every tenant table on tenant_id, colocated, and nothing else."""

from __future__ import annotations

import re

from minsheng.db.base import Base, tenant_tables
from minsheng.db.citus import COORDINATOR_TABLES, REFERENCE_TABLES, distribution_sql
from minsheng.server import contexts  # noqa: F401  (imports every model)


def test_every_table_has_exactly_one_place_in_the_cluster() -> None:
    sql = distribution_sql()
    distributed = re.findall(r"create_distributed_table\('(\w+)', 'tenant_id'", sql)
    reference = re.findall(r"create_reference_table\('(\w+)'\)", sql)
    assert sorted(distributed) == sorted(tenant_tables())
    assert reference == list(REFERENCE_TABLES)
    placed = set(distributed) | set(reference) | set(COORDINATOR_TABLES)
    assert {t.name for t in Base.metadata.sorted_tables} <= placed
    assert len(placed) == len(distributed) + len(reference) + len(COORDINATOR_TABLES)
    first = distributed[0]
    assert sql.count(f"colocate_with => '{first}'") == len(distributed) - 1
