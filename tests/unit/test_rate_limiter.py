"""The rate limiter: sliding windows, Retry-After until the estimate is back under the limit, Redis
shared, memory fallback."""

from __future__ import annotations

import os
import uuid

import pytest

from minsheng.http.ratelimit import Limit, MemoryRateLimiter, RedisRateLimiter

LIMITS = [Limit(2, 60), Limit(3, 86400)]


async def test_the_third_hit_in_a_minute_is_refused_and_told_when_to_come_back() -> None:
    now = [120.0 + 45]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    assert (await limiter.hit("a", LIMITS)).allowed
    assert (await limiter.hit("a", LIMITS)).allowed
    refused = await limiter.hit("a", LIMITS)
    # Three hits in this window: a fourth fits when two thirds of the next window have passed
    # (3 x 1/3 + 1 = 2).
    assert (refused.allowed, refused.retry_after) == (False, 15 + 40)
    assert (await limiter.hit("b", LIMITS)).allowed  # another client
    now[0] = 240.0 + 59  # two windows later: the minute is free again, but the day's limit of 3 is spent
    day = await limiter.hit("a", LIMITS)
    assert not day.allowed and day.retry_after > 60


async def test_a_window_boundary_does_not_reset_the_limit() -> None:
    # The limit is spent at the very end of one window: the start of the next still counts it.
    limit = [Limit(5, 60)]
    now = [59.0]
    limiter = MemoryRateLimiter(clock=lambda: now[0])
    for _ in range(5):
        assert (await limiter.hit("a", limit)).allowed
    now[0] = 61.0
    refused = await limiter.hit("a", limit)
    assert not refused.allowed
    # With the refused hit counted, the next fits when 5 x (1 - t/60) + 2 <= 5: t = 24, 23 s later.
    assert refused.retry_after == 23
    now[0] = 60.0 + 23
    assert not (await limiter.hit("a", limit)).allowed  # one second early (and it counts)
    now[0] = 60.0 + 60 * 0.6
    assert (await limiter.hit("a", limit)).allowed  # 5 x 0.4 + 3 = 5: exactly the limit
    assert not (await limiter.hit("a", limit)).allowed  # and one more is over it


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
    assert not refused.allowed and 1 <= refused.retry_after <= 120
    await first.close()
    await second.close()
