"""What the running app holds: settings, database, object store, job dispatcher, plugin manager."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from minsheng.db.session import Database
from minsheng.settings import Settings


@dataclass
class Services:
    settings: Settings
    database: Database
    store: Any  # minsheng.storage.ObjectStore
    dispatcher: Any  # minsheng.jobs.dispatch.JobDispatcher
    plugins: Any  # pluggy.PluginManager
    rate_limiter: Any = None  # minsheng.http.ratelimit.RateLimiter
