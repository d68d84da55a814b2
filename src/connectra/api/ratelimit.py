"""Token buckets per API key (or client address): in memory, shared through Redis, or shared
by the processes of one machine through a SQLite file.

Capacity ``MAX_REQUESTS_PER_MINUTE``, continuous refill of capacity/60 tokens per second.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
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


# The same step as one SQLite statement (the SET expressions all see the row as it was).
_FILE_SCHEMA = """CREATE TABLE IF NOT EXISTS buckets (
    key TEXT PRIMARY KEY, tokens REAL NOT NULL, stamp REAL NOT NULL, allowed INTEGER NOT NULL)"""
_FILE_TAKE = """
INSERT INTO buckets (key, tokens, stamp, allowed) VALUES (:key, :capacity - 1, :now, 1)
ON CONFLICT (key) DO UPDATE SET
  tokens = min(:capacity, tokens + max(0, :now - stamp) * :rate)
           - (min(:capacity, tokens + max(0, :now - stamp) * :rate) >= 1),
  allowed = min(:capacity, tokens + max(0, :now - stamp) * :rate) >= 1,
  stamp = :now
RETURNING allowed, tokens
"""
SWEEP_SECONDS = 60.0
BUSY_TIMEOUT_MS = 5000


class FileRateLimiter:
    """Buckets in a SQLite file, shared by the API processes of one machine
    (``connectra serve --workers N`` without Redis): every take is one atomic statement.

    A bucket left alone for the time a full refill takes is dropped (it would be full again),
    so the file holds only the callers of the last minute or so. A take runs on the event loop:
    one statement in WAL mode without fsync, about 30 microseconds (a thread hop costs more).
    """

    def __init__(self, capacity: int, path: Path, *, clock: Any = time.time) -> None:
        self.capacity = capacity
        self.rate = capacity / 60.0
        self._clock = clock  # wall clock: the processes share it
        self._db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")  # a bucket lost in a crash is harmless
        self._db.execute(_FILE_SCHEMA)
        self._swept = self._clock()

    async def take(self, identity: str) -> Decision:
        now = self._clock()
        values = {"key": bucket_key(identity), "capacity": self.capacity, "rate": self.rate}
        allowed, tokens = self._db.execute(_FILE_TAKE, {**values, "now": now}).fetchone()
        if now - self._swept > SWEEP_SECONDS:
            self._swept = now
            full_after = self.capacity / self.rate
            self._db.execute("DELETE FROM buckets WHERE stamp < ?", (now - full_after,))
        if allowed:
            return Decision(True, math.floor(tokens), 0.0)
        return Decision(False, 0, (1.0 - tokens) / self.rate)


def make_rate_limiter(capacity: int, redis_url: str, shared: Path | None = None) -> RateLimiter:
    """Redis when configured; else a file shared by this machine's processes when ``shared``
    names one; else this process's memory."""
    if redis_url:
        return RedisRateLimiter(capacity, redis_url)
    return FileRateLimiter(capacity, shared) if shared else MemoryRateLimiter(capacity)
