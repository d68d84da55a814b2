"""The in-memory limiter keeps a bounded number of buckets, however many addresses call."""

from __future__ import annotations

import asyncio
import tracemalloc

from connectra.api.ratelimit import MemoryRateLimiter
from connectra.limits import RATE_BUCKETS_MAX

ADDRESSES = 100_000
CAPACITY = 3
ABUSER_EVERY = 1000
MEMORY_PER_BUCKET_MAX = 400  # bytes, generous: a key string and a tuple of two floats


def test_100k_addresses_keep_the_buckets_bounded_and_an_active_abuser_limited() -> None:
    limiter = MemoryRateLimiter(CAPACITY, clock=lambda: 0.0)  # no refill during the test

    async def run() -> list[bool]:
        abuser = [(await limiter.take("addr:10.0.0.1")).allowed for _ in range(CAPACITY + 1)]
        for i in range(ADDRESSES):
            await limiter.take(f"addr:192.{i >> 16}.{(i >> 8) & 255}.{i & 255}")
            if i % ABUSER_EVERY == 0:
                abuser.append((await limiter.take("addr:10.0.0.1")).allowed)
        return abuser

    tracemalloc.start()
    abuser = asyncio.run(run())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(limiter) == RATE_BUCKETS_MAX
    assert peak < RATE_BUCKETS_MAX * MEMORY_PER_BUCKET_MAX
    assert abuser[:CAPACITY] == [True] * CAPACITY
    assert not any(abuser[CAPACITY:])  # still limited: recently used buckets are kept


def test_a_small_cap_evicts_the_least_recently_used() -> None:
    limiter = MemoryRateLimiter(1, clock=lambda: 0.0, max_buckets=2)

    async def run() -> list[bool]:
        first = (await limiter.take("a")).allowed
        await limiter.take("b")
        again = (await limiter.take("a")).allowed  # a is now the most recent
        await limiter.take("c")  # evicts b
        return [first, again, (await limiter.take("a")).allowed, (await limiter.take("b")).allowed]

    assert asyncio.run(run()) == [True, False, False, True]
    assert len(limiter) == 2
