"""The rate limiter: fixed windows, Retry-After until the window ends, Redis shared, memory fallback."""

from __future__ import annotations

import os
import uuid

import pytest

from minsheng.server.ratelimit import Limit, MemoryRateLimiter, RedisRateLimiter

LIMITS = [Limit(2, 60), Limit(3, 86400)]


async def test_the_third_hit_in_a_minute_waits_for_the_window_to_end() -> None:
    now = [120.0 + 45]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    assert (await limiter.hit("a", LIMITS)).allowed
    assert (await limiter.hit("a", LIMITS)).allowed
    refused = await limiter.hit("a", LIMITS)
    assert (refused.allowed, refused.retry_after) == (False, 15)
    assert (await limiter.hit("b", LIMITS)).allowed  # another client
    now[0] = 180.0  # the next minute, but the day's limit of 3 is spent
    day = await limiter.hit("a", LIMITS)
    assert not day.allowed and day.retry_after > 60


async def test_redis_down_falls_back_to_memory() -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", timeout=0.2)
    assert (await limiter.hit("a", [Limit(1, 60)])).allowed
    assert not (await limiter.hit("a", [Limit(1, 60)])).allowed
    await limiter.close()


@pytest.mark.redis
async def test_redis_counts_are_shared_between_limiters() -> None:
    url = os.environ["MINSHENG_TEST_REDIS_URL"]
    key = f"test-{uuid.uuid4().hex}"
    first, second = RedisRateLimiter(url), RedisRateLimiter(url)
    assert (await first.hit(key, [Limit(1, 60)])).allowed
    refused = await second.hit(key, [Limit(1, 60)])
    assert not refused.allowed and 1 <= refused.retry_after <= 60
    await first.close()
    await second.close()
