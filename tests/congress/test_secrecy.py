"""After a finished round, nothing in the database links a deputy to a ballot.

The test reads the database as its owner, table by table and cell by cell, without the models:
whatever a future migration adds is inspected too.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from minsheng.testing import Api, dump_database


async def test_no_table_row_or_column_links_a_deputy_to_a_ballot(api: Api, hall) -> None:
    await hall.add_deputies(6)
    projects = await hall.add_projects(3)
    round_id = await hall.open_round(projects, 2)
    receipts = []
    for deputy in range(6):
        response = await hall.vote(round_id, deputy, {"selected": [str(projects[deputy % 3])]})
        receipts.append(response.json()["receipt"])
    assert (await hall.close(round_id)).status_code == 200

    dump = await dump_database(
        api.services.settings.migration_database_url, ("ballots", "participations", "sealed_ballots")
    )
    rows, schema = dump.rows, dump.schema

    # The ballot table: no deputy, no user, no time, nothing sequential; it points only to its round.
    ballot_columns = {c["name"]: c for c in schema["ballots"]["columns"]}
    assert set(ballot_columns) == {
        "tenant_id",
        "round_id",
        "id",
        "content",
        "valid",
        "invalid_reason",
        "entry_id",
    }
    for column in ballot_columns.values():
        assert not isinstance(column["type"], sa.DateTime | sa.Date | sa.Time)
    assert {fk["referred_table"] for fk in schema["ballots"]["foreign_keys"]} == {
        "tenants",
        "voting_rounds",
        "paper_entries",
    }
    assert not {fk["referred_table"] for fk in schema["paper_entries"]["foreign_keys"]} & {"deputies", "users"}
    # Participations: who voted in which round, and nothing else; nothing refers to ballots.
    assert {c["name"] for c in schema["participations"]["columns"]} == {"tenant_id", "round_id", "deputy_id"}
    for name, table in schema.items():
        assert all(fk["referred_table"] != "ballots" for fk in table["foreign_keys"]), name

    # The sealed ballots were opened and deleted by the close; a sealed row names only its round.
    assert rows["sealed_ballots"] == []
    assert {c["name"] for c in schema["sealed_ballots"]["columns"]} == {"tenant_id", "round_id", "id", "sealed"}
    # Cell by cell: no row that holds a ballot's id or receipt also holds a deputy's id, user id or name.
    ballot_marks = {row["id"] for row in rows["ballots"]} | set(receipts)
    deputy_marks = {str(d) for d in hall.deputies}
    deputy_marks |= {row["user_id"] for row in rows["deputies"] if row["user_id"]}
    deputy_marks |= {row["username"] for row in rows["users"] if row["username"].startswith("d")}
    deputy_marks = {m.replace("-", "") for m in deputy_marks} | deputy_marks
    holders = []
    for name, table_rows in rows.items():
        for row in table_rows:
            cells = " ".join(row.values())
            if any(mark in cells for mark in ballot_marks):
                holders.append(name)
                assert not any(mark in cells for mark in deputy_marks), f"{name} links a deputy to a ballot"
    assert set(holders) == {"ballots", "voting_rounds", "audit_events"}, holders
    assert len(rows["ballots"]) == 6 and len(rows["participations"]) == 6
    assert all(uuid.UUID(row["id"]).version == 4 for row in rows["ballots"])

    # PostgreSQL's system columns: the readable ballots were all written by the close, a transaction
    # that wrote no participation; each participation was written by its deputy's own ballot.
    if dump.xmin:
        assert len(dump.xmin["ballots"]) == 1
        assert len(dump.xmin["participations"]) == 6
        assert not dump.xmin["ballots"] & dump.xmin["participations"]
