"""Nothing links a deputy to a rating: after an evaluation, every table is read as its owner, row by
row and cell by cell, without the models (so whatever a future migration adds is inspected too).
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from minsheng.testing import Api, dump_database


async def test_no_table_row_or_column_links_a_deputy_to_a_rating(api: Api, make_office: Any) -> None:
    office = await make_office(deputies=6)
    (project,) = await office.add_projects(1)
    evaluation = await office.open_evaluation(project)
    receipts = []
    for deputy, rating in enumerate(
        ("satisfied", "unsatisfied", "abstain", "satisfied", "basically_satisfied", "satisfied")
    ):
        response = await office.rate(evaluation, deputy, rating)
        assert response.status_code == 201, response.text
        receipts.append(response.json()["receipt"])
    assert (await office.close(evaluation)).status_code == 200

    dump = await dump_database(
        api.services.settings.migration_database_url,
        ("evaluation_ratings", "evaluation_participations", "sealed_ratings"),
    )
    schema, rows = dump.schema, dump.rows

    # The rating table: no deputy, no user, no time, nothing sequential; it points only to its evaluation.
    columns = {c["name"]: c for c in schema["evaluation_ratings"]["columns"]}
    assert set(columns) == {"tenant_id", "evaluation_id", "id", "rating"}
    # The sealed ratings were opened and deleted by the close.
    assert rows["sealed_ratings"] == []
    for column in columns.values():
        assert not isinstance(column["type"], sa.DateTime | sa.Date | sa.Time)
    assert {fk["referred_table"] for fk in schema["evaluation_ratings"]["foreign_keys"]} == {
        "tenants",
        "satisfaction_evaluations",
    }
    # Participations: who rated in which evaluation, and nothing else; nothing refers to ratings.
    assert {c["name"] for c in schema["evaluation_participations"]["columns"]} == {
        "tenant_id",
        "evaluation_id",
        "deputy_id",
    }
    for name, table in schema.items():
        assert all(fk["referred_table"] != "evaluation_ratings" for fk in table["foreign_keys"]), name

    # Cell by cell: no row holding a rating's id or receipt also holds a deputy's id, user id or name.
    rating_marks = {row["id"] for row in rows["evaluation_ratings"]} | set(receipts)
    deputy_marks = {str(d) for d in office.deputies}
    deputy_marks |= {row["user_id"] for row in rows["deputies"] if row["user_id"]}
    deputy_marks |= {row["username"] for row in rows["users"] if row["username"].startswith("d")}
    deputy_marks |= {row["name"] for row in rows["deputies"]}
    deputy_marks = {m.replace("-", "") for m in deputy_marks} | deputy_marks
    holders = set()
    for name, table_rows in rows.items():
        for row in table_rows:
            cells = " ".join(row.values())
            if any(mark in cells for mark in rating_marks):
                holders.add(name)
                assert not any(mark in cells for mark in deputy_marks), f"{name} links a deputy to a rating"
    # The receipts are published in the result, and their hashes are in the audit chain: nowhere else.
    assert holders == {"evaluation_ratings", "satisfaction_evaluations", "audit_events"}, holders
    assert len(rows["evaluation_ratings"]) == 6 and len(rows["evaluation_participations"]) == 6
    assert all(uuid.UUID(row["id"]).version == 4 for row in rows["evaluation_ratings"])
    # Rating writes no audit event: its actor, time and sequence would order the raters.
    deputy_names = {row["username"] for row in rows["users"] if row["username"].startswith("d")}
    assert not {row["actor"] for row in rows["audit_events"]} & deputy_names

    # PostgreSQL's system columns: the readable ratings were all written by the close, a transaction
    # that wrote no participation; each participation was written by its deputy's own rating.
    if dump.xmin:
        assert len(dump.xmin["evaluation_ratings"]) == 1
        assert len(dump.xmin["evaluation_participations"]) == 6
        assert not dump.xmin["evaluation_ratings"] & dump.xmin["evaluation_participations"]
