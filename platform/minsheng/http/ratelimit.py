"""Per-client rate limits (sliding windows): in memory when embedded, in Redis when there is one.

A limit is "at most ``count`` hits per ``seconds``". Each window is a counter keyed by its start, so
one hit costs one increment. A fixed window alone would let a client spend its limit at the end of one
window and again at the start of the next; so the previous window's count also weighs in, in proportion
to how much of it still lies within the last ``seconds`` (the sliding-window estimate). A client that
exceeds a limit is told how long until the estimate is back under it (``Retry-After``).
Redis makes the limit hold across app servers; when Redis is down the limiter falls
back to counting in memory (per server) rather than refusing citizens or letting everything through.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from minsheng.settings import Settings

log = structlog.get_logger("minsheng.ratelimit")


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds until the exceeded window ends (0 when allowed)


class RateLimiter(Protocol):
    async def hit(self, key: str, limits: Sequence[Limit]) -> Decision:
        """Count one hit of ``key`` against every limit; refused when any is exceeded."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def _window(now: float, seconds: int) -> tuple[int, int]:
    """The start of the window ``now`` falls in, and the seconds left in it (at least 1)."""
    start = int(now // seconds) * seconds
    return start, max(1, math.ceil(start + seconds - now))


@dataclass(frozen=True)
class _Count:
    """One limit's counters at ``now``: hits in the current window and in the one before it."""

    limit: Limit
    now: float
    current: int
    previous: int

    @property
    def start(self) -> int:
        return _window(self.now, self.limit.seconds)[0]

    @property
    def estimate(self) -> float:
        """Hits within the last ``seconds``, the previous window weighted by its part still inside."""
        elapsed = (self.now - self.start) / self.limit.seconds
        return self.previous * (1 - elapsed) + self.current

    def wait(self) -> int:
        """Seconds until the next hit would be within the limit (0 when this one was).

        Refused hits count too, so a client that keeps hammering keeps itself waiting.
        """
        seconds, count = self.limit.seconds, self.limit.count
        if self.estimate <= count:
            return 0
        if self.current + 1 <= count:
            # Within this window: the previous window's weight must fall far enough.
            until = self.start + seconds * (1 - (count - self.current - 1) / self.previous)
        else:
            # This window alone is full: in the next, its own weight must fall far enough.
            until = self.start + seconds + seconds * (1 - (count - 1) / self.current)
        return max(1, math.ceil(until - self.now))


def _verdict(counts: Sequence[_Count]) -> Decision:
    waits = [count.wait() for count in counts]
    longest = max(waits, default=0)
    return Decision(False, longest) if longest else Decision(True)


class MemoryRateLimiter:
    """Counters in this process (the embedded mode, and the fallback when Redis is down)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._counters: dict[tuple[str, int, int], int] = {}
        self._lock = asyncio.Lock()
        self._next_sweep = 0.0

    async def hit(self, key: str, limits: Sequence[Limit]) -> Decision:
        now = self._clock()
        async with self._lock:
            self._sweep(now)
            counts = []
            for limit in limits:
                start, _left = _window(now, limit.seconds)
                slot = (key, limit.seconds, start)
                self._counters[slot] = self._counters.get(slot, 0) + 1
                previous = self._counters.get((key, limit.seconds, start - limit.seconds), 0)
                counts.append(_Count(limit, now, self._counters[slot], previous))
        return _verdict(counts)

    def _sweep(self, now: float) -> None:
        # Windows that no longer weigh in are dropped once a minute, so memory follows the number of
        # active clients.
        if now < self._next_sweep:
            return
        self._next_sweep = now + 60
        for slot in [s for s in self._counters if s[2] + 2 * s[1] <= now]:
            del self._counters[slot]

    async def close(self) -> None:
        self._counters.clear()


class RedisRateLimiter:
    """Counters in Redis (INCR, EXPIRE and the previous window's GET in one round trip), shared by every
    app server."""

    def __init__(self, url: str, fallback: RateLimiter | None = None, timeout: float = 0.5) -> None:
        self._redis: Redis = Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self._fallback = fallback or MemoryRateLimiter()
        self._down = False

    async def hit(self, key: str, limits: Sequence[Limit]) -> Decision:
        now = time.time()
        windows = [(limit, _window(now, limit.seconds)[0]) for limit in limits]
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for limit, start in windows:
                    name = f"minsheng:rate:{key}:{limit.seconds}:{start}"
                    pipe.incr(name)
                    # Kept for two windows: the next window still weighs this one in.
                    pipe.expire(name, 2 * limit.seconds + 1)
                    pipe.get(f"minsheng:rate:{key}:{limit.seconds}:{start - limit.seconds}")
                replies = await pipe.execute()
        except (TimeoutError, RedisError, OSError) as exc:
            if not self._down:
                log.warning("ratelimit.redis_unavailable", error=repr(exc))
                self._down = True
            return await self._fallback.hit(key, limits)
        if self._down:
            log.info("ratelimit.redis_back")
            self._down = False
        counts = [
            _Count(limit, now, int(replies[3 * i]), int(replies[3 * i + 2] or 0))
            for i, (limit, _start) in enumerate(windows)
        ]
        return _verdict(counts)

    async def close(self) -> None:
        await self._redis.aclose()
        await self._fallback.close()


def make_rate_limiter(settings: Settings) -> RateLimiter:
    """Redis when ``MINSHENG_REDIS_URL`` is set, else memory."""
    if settings.redis_url:
        return RedisRateLimiter(settings.redis_url)
    return MemoryRateLimiter()


def suggestion_limits(settings: Settings) -> list[Limit]:
    """The limits on public suggestions per client (``MINSHENG_SUGGESTION_RATE_PER_*``; 0 = off)."""
    limits = [Limit(settings.suggestion_rate_per_minute, 60), Limit(settings.suggestion_rate_per_day, 86400)]
    return [limit for limit in limits if limit.count > 0]
