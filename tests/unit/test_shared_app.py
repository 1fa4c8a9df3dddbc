"""Tests share one app per settings' shape (``minsheng.testing.shared_app``): sound only while building
the app reads nothing of its settings beyond ``APP_SHAPE``, everything else being read at start-up."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, cast

from minsheng.app import create_app
from minsheng.settings import Settings
from minsheng.testing import APP_SHAPE, migrated_settings, running, shared_app


class Reading:
    """Settings that note which of their fields are read."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        self.read.add(name)
        return getattr(self._settings, name)


def test_building_the_app_reads_only_the_settings_of_its_shape(tmp_path: Path) -> None:
    reading = Reading(migrated_settings(tmp_path))
    create_app(cast(Settings, reading))
    assert reading.read, "the app reads its settings through the object it is given"
    assert reading.read <= set(APP_SHAPE), f"read while building, not at start-up: {reading.read - set(APP_SHAPE)}"


async def test_one_shared_app_starts_on_each_tests_own_settings(tmp_path: Path) -> None:
    first, second = migrated_settings(tmp_path / "first"), migrated_settings(tmp_path / "second")
    app = shared_app(first)
    async with running(app):
        assert app.state.services.settings is first
    assert shared_app(second) is app
    async with running(app):
        assert app.state.services.settings is second
        assert app.state.services.settings.database_url.endswith("second/minsheng.sqlite3")
    assert shared_app(dataclasses.replace(second, secret_key="another-secret")) is not app
