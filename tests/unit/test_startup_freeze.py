"""What start-up builds is frozen out of the garbage collector's sight once a process
(``minsheng.server.core``): full collections then walk only what requests made, not the app itself."""

from __future__ import annotations

import gc
from pathlib import Path

from minsheng.testing import migrated_settings, running, shared_app


async def test_a_started_app_is_out_of_the_collectors_sight_and_later_garbage_is_not(tmp_path: Path) -> None:
    app = shared_app(migrated_settings(tmp_path))
    async with running(app):
        frozen = gc.get_freeze_count()
        # The route handlers alone are thousands of objects: the app was frozen, not a handful.
        assert frozen > 10_000

        # A request's cycles still go: freezing is not a leak.
        class Cycle:
            def __init__(self) -> None:
                self.me = self

        before = gc.get_freeze_count()
        for _ in range(1000):
            Cycle()
        gc.collect()
        assert not any(isinstance(o, Cycle) for o in gc.get_objects())
        # Nothing new was frozen (frozen objects still go when their last reference does).
        assert gc.get_freeze_count() <= before
    garbage = [Cycle() for _ in range(1000)]
    # A second start in the same process does not freeze again (tests start an app per test): the
    # cycles made since are not frozen with it.
    async with running(app):
        assert gc.get_freeze_count() <= before
        del garbage
        gc.collect()
        assert not any(isinstance(o, Cycle) for o in gc.get_objects())
