"""The navigation tests' county (and township): one member per role and a little of every stage
(``county.py``)."""

from __future__ import annotations

import pytest
from navigation.county import County, open_county

from minsheng.testing import Api


@pytest.fixture
async def county(api: Api) -> County:
    return await open_county(api)


@pytest.fixture
async def county_and_town(api: Api) -> County:
    return await open_county(api, with_town=True)
