"""What the command line prints for people: the server banner, progress, rejected CSV rows.

Progress is a bar where a terminal is attached and, where not (a log file, CI), one line every
few seconds, so a long import neither floods a log with bar redraws nor stays silent.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import click
from tqdm import tqdm

from connectra import __version__
from connectra.settings import Settings

PROGRESS_LINE_SECONDS = 5.0  # how often a progress line is printed when no terminal is attached
REJECTED_ROWS_SHOWN = 20  # rejected CSV rows listed one by one; the rest are counted
_PASSWORD = re.compile(r"(//[^/:@]*:)[^@/]*@")


def redact(url: str) -> str:
    """A URL fit for a terminal or a log: any password becomes ``***``."""
    return _PASSWORD.sub(r"\1***@", url)


def banner(settings: Settings, key_source: str) -> str:
    """What ``serve`` / ``api`` print once they listen: where, the docs, the data, the key."""
    base = settings.public_url()
    bound = f"{settings.connectra_host}:{settings.connectra_port}"
    where = base if base.endswith("//" + bound) else f"{base} (listening on {bound})"
    return "\n".join(
        (
            f"Connectra {__version__} serving at {where}",
            f"  API docs: {base}/docs (ReDoc: {base}/redoc)   console: {base}/ui",
            f"  data dir: {Path(settings.connectra_data_dir).resolve()}",
            f"  store:    {redact(settings.database_url())}",
            f"  index:    {redact(settings.search_url())}",
            f"  objects:  {redact(settings.objects_url())}",
            f"  API key:  {key_source} (send it as X-API-Key)",
            f"  {base}/health says 'starting' until the index has caught up; Ctrl-C stops",
        )
    )


def rejected_rows(errors: Sequence[str]) -> list[str]:
    """The rejected rows of an import, each with its line and reason: the first
    ``REJECTED_ROWS_SHOWN``, then how many more."""
    lines = [f"  rejected {error}" for error in errors[:REJECTED_ROWS_SHOWN]]
    hidden = len(errors) - REJECTED_ROWS_SHOWN
    if hidden > 0:
        lines.append(f"  ... and {hidden} more rejected rows (job_response.row_errors has all)")
    return lines


class Progress:
    """``with Progress("import", total) as p: p.update(done)``: a tqdm bar on a terminal,
    otherwise a line every ``PROGRESS_LINE_SECONDS`` and one at the end."""

    def __init__(self, label: str, total: int | None, stream: IO[str] | None = None) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self._bar = tqdm(total=total, unit="row", desc=label) if self.stream.isatty() else None
        self._last_line = time.monotonic()

    def update(self, done: int, total: int | None = None) -> None:
        self.done, self.total = done, total if total is not None else self.total
        if self._bar is not None:
            self._bar.n, self._bar.total = self.done, self.total
            self._bar.refresh()
        elif time.monotonic() - self._last_line >= PROGRESS_LINE_SECONDS:
            self._line()

    def _line(self) -> None:
        self._last_line = time.monotonic()
        of = f"/{self.total}" if self.total else ""
        share = f" ({100 * self.done // self.total}%)" if self.total else ""
        click.echo(f"{self.label}: {self.done}{of} rows{share}", file=self.stream)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.close()
        elif kind is None:
            self._line()
