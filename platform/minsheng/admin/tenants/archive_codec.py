"""Rows to JSON and back, by column type: the pure half of tenant export and import."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, Numeric, Table, Uuid


def encode_value(value: Any) -> Any:
    """A column value as JSON: UUIDs, times and decimals as strings, JSON columns as they are."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_row(table: Table, row: Any) -> dict[str, Any]:
    """One row of ``table`` as a JSON object keyed by column name."""
    mapping = row._mapping
    return {column.name: encode_value(mapping[column.name]) for column in table.columns}


def _decode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    column_type = column.type
    if isinstance(column_type, JSON):
        return value
    if isinstance(column_type, Uuid):
        return uuid.UUID(value)
    if isinstance(column_type, DateTime) or isinstance(getattr(column_type, "impl", None), DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, Numeric):
        return Decimal(value)
    return value


def decode_row(table: Table, data: dict[str, Any]) -> dict[str, Any]:
    """A JSON object back to column values; unknown keys are refused (the export is of another schema)."""
    unknown = set(data) - set(table.columns.keys())
    if unknown:
        raise ValueError(f"{table.name}: unknown columns {sorted(unknown)}")
    return {name: _decode(table.columns[name], value) for name, value in data.items()}
