"""Seeded demo contacts as the contract's CSV import file (CONTRACT.md §b.4), written streaming.

python benchmarks/generate.py --contacts 100000 --out benchmarks/data/contacts_100000.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from dataclasses import dataclass
from pathlib import Path

from connectra.model.fake import DemoData
from connectra.model.rows import CSV_HEADERS

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Generated:
    path: Path
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def default_path(contacts: int, seed: int, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / f"contacts_{contacts}_seed{seed}.csv"


def generate_csv(path: Path, contacts: int, seed: int = 42) -> Generated:
    """Write ``contacts`` rows one at a time; a partial file never appears under ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    started = time.perf_counter()
    written = 0
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_HEADERS, extrasaction="raise")
        writer.writeheader()
        for row in DemoData(seed).rows(contacts):
            writer.writerow(row)
            written += 1
    partial.replace(path)
    return Generated(path, written, time.perf_counter() - started)


def ensure_csv(contacts: int, seed: int, data_dir: Path = DATA_DIR) -> Path:
    """The CSV for this size and seed, generated only when it is not there yet."""
    path = default_path(contacts, seed, data_dir)
    if not path.exists():
        generate_csv(path, contacts, seed)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, required=True, help="number of contact rows")
    parser.add_argument("--out", type=Path, help="CSV file (default: benchmarks/data/...)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    args = parser.parse_args(argv)
    path = args.out or default_path(args.contacts, args.seed)
    result = generate_csv(path, args.contacts, args.seed)
    print(
        f"wrote {result.rows:,} rows to {result.path} in {result.seconds:.1f} s "
        f"({result.rows_per_second:,.0f} rows/s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
