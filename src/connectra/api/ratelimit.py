"""Token buckets per API key (or client address): in memory, or shared through Redis.

Capacity ``MAX_REQUESTS_PER_MINUTE``, continuous refill of capacity/60 tokens per second.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any, Protocol

from connectra.limits import RATE_BUCKETS_MAX


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: float  # seconds until one token is back (0 when allowed)


class RateLimiter(Protocol):
    capacity: int

    async def take(self, identity: str) -> Decision: ...


def bucket_key(identity: str) -> str:
    """Bucket names never hold an API key itself."""
    return "connectra:rl:" + hashlib.sha256(identity.encode()).hexdigest()[:32]


class MemoryRateLimiter:
    """One process's buckets (the event loop serialises access), at most ``max_buckets`` of
    them: the dict is kept in least-recently-used order and the oldest goes first."""

    def __init__(
        self,
        capacity: int,
        *,
        clock: Any = time.monotonic,
        max_buckets: int = RATE_BUCKETS_MAX,
    ) -> None:
        self.capacity = capacity
        self.rate = capacity / 60.0
        self.max_buckets = max_buckets
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    async def take(self, identity: str) -> Decision:
        key = bucket_key(identity)
        now = self._clock()
        tokens, stamp = self._buckets.pop(key, (float(self.capacity), now))
        tokens = min(float(self.capacity), tokens + (now - stamp) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)  # now the most recent
        if len(self._buckets) > self.max_buckets:
            del self._buckets[next(iter(self._buckets))]
        if allowed:
            return Decision(True, math.floor(tokens - 1.0), 0.0)
        return Decision(False, 0, (1.0 - tokens) / self.rate)


# One atomic step on the Redis server, with the server's clock so that every API process
# agrees on time: refill, take a token if there is one, remember the state.
_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or capacity
local stamp = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - stamp) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
return {allowed, tostring(tokens)}
"""


class RedisRateLimiter:
    """Buckets in Redis, shared by every API process that points at the same server."""

    def __init__(self, capacity: int, url: str) -> None:
        import redis.asyncio as aioredis

        self.capacity = capacity
        self.rate = capacity / 60.0
        self._client = aioredis.from_url(url)
        self._script = self._client.register_script(_TAKE)

    async def take(self, identity: str) -> Decision:
        allowed, tokens_text = await self._script(
            keys=[bucket_key(identity)], args=[self.capacity, self.rate]
        )
        tokens = float(tokens_text)
        if int(allowed):
            return Decision(True, math.floor(tokens), 0.0)
        return Decision(False, 0, (1.0 - tokens) / self.rate)

    async def close(self) -> None:
        await self._client.aclose()


def make_rate_limiter(capacity: int, redis_url: str) -> RateLimiter:
    return RedisRateLimiter(capacity, redis_url) if redis_url else MemoryRateLimiter(capacity)
