"""The SQLite-file token bucket that API workers share: the memory bucket's answers, one bucket
for every process that opens the file, idle buckets swept."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from connectra.api.ratelimit import SWEEP_SECONDS, Decision, FileRateLimiter, MemoryRateLimiter

CAPACITY = 3


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _takes(limiter: FileRateLimiter | MemoryRateLimiter, clock: Clock) -> list[Decision]:
    async def run() -> list[Decision]:
        answers = [await limiter.take("key:a") for _ in range(CAPACITY + 1)]
        clock.now += 30  # half a refill: 1.5 tokens back
        answers += [await limiter.take("key:a") for _ in range(3)]
        return answers

    return asyncio.run(run())


def test_answers_like_the_memory_bucket(tmp_path: Path) -> None:
    file_clock, memory_clock = Clock(), Clock()
    shared = FileRateLimiter(CAPACITY, tmp_path / "rl.db", clock=file_clock)
    memory = MemoryRateLimiter(CAPACITY, clock=memory_clock)
    assert _takes(shared, file_clock) == _takes(memory, memory_clock)


def test_every_opener_of_the_file_takes_from_one_bucket(tmp_path: Path) -> None:
    clock = Clock()
    first = FileRateLimiter(CAPACITY, tmp_path / "rl.db", clock=clock)
    second = FileRateLimiter(CAPACITY, tmp_path / "rl.db", clock=clock)

    async def run() -> list[bool]:
        limiters = (first, second) * CAPACITY
        return [(await limiter.take("key:b")).allowed for limiter in limiters]

    assert asyncio.run(run()) == [True] * CAPACITY + [False] * CAPACITY


def test_idle_buckets_are_swept(tmp_path: Path) -> None:
    clock = Clock()
    limiter = FileRateLimiter(CAPACITY, tmp_path / "rl.db", clock=clock)

    async def run() -> None:
        for caller in range(10):
            await limiter.take(f"addr:{caller}")
        clock.now += SWEEP_SECONDS + 1
        await limiter.take("key:recent")

    asyncio.run(run())
    with sqlite3.connect(tmp_path / "rl.db") as db:
        assert db.execute("SELECT count(*) FROM buckets").fetchone() == (1,)
