"""A saturated database answers 503 with Retry-After (nothing was saved), never a bare 500."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from minsheng.http.problems import is_contention


def test_pool_timeouts_and_sqlite_locks_are_contention_other_errors_are_not() -> None:
    assert is_contention(PoolTimeout("QueuePool limit of size 20 overflow 20 reached"))
    locked = OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))
    assert is_contention(locked)
    broken = OperationalError("SELECT ...", {}, sqlite3.OperationalError("no such table: x"))
    assert not is_contention(broken)
    assert not is_contention(ValueError("database is locked"))
