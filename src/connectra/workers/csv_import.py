"""``insert_csv_file``: stream a CSV from object storage into the store, batch by batch.

Each batch goes through the same service as ``POST /common/batch-upsert`` and commits together
with the job's progress (rows, bytes, batches, last line), so a resumed job skips exactly the
batches that are in. Header columns that are not import columns are ignored and listed in
``job_response.ignored_columns``. Malformed rows (a field count other than the header's) are
skipped and reported with their line numbers. The whole job fails only when the file cannot be
used at all: a missing object, bytes that are not UTF-8, a header with none of the import
columns, or more than ``CSV_ROW_ERRORS_MAX`` malformed rows (at that point the file is more likely
the wrong file than a file with a few bad lines).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import closing
from typing import Any, BinaryIO

from connectra.errors import ValidationError
from connectra.instruments import instruments
from connectra.limits import CSV_ROW_ERRORS_MAX
from connectra.model.normalize import clean_string
from connectra.model.rows import CSV_HEADERS
from connectra.services.batch_upsert import batch_upsert
from connectra.store.outbox import Priority
from connectra.workers.context import JobContext

KNOWN = frozenset(CSV_HEADERS)


class CountingReader(io.RawIOBase):
    """Counts the bytes pulled from the object stream (progress in bytes)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def _header(reader: Any) -> list[str]:
    try:
        header = [clean_string(name) for name in next(reader)]
    except StopIteration:
        raise ValidationError("the CSV file is empty: a header row is required") from None
    if not KNOWN.intersection(header):
        raise ValidationError(
            f"the CSV header has none of the import columns (got {header[:5]!r}...)"
        )
    return header


def _rows(
    reader: Any, header: list[str], errors: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Good rows with the line they end on; bad ones go to ``errors``."""
    for record in reader:
        if not record:
            continue  # a blank line
        if len(record) != len(header):
            errors.append(
                f"line {reader.line_num}: expected {len(header)} fields, got {len(record)}"
            )
            if len(errors) > CSV_ROW_ERRORS_MAX:
                raise ValidationError(
                    f"more than {CSV_ROW_ERRORS_MAX} malformed rows: is this the right file?"
                )
            continue
        yield reader.line_num, dict(zip(header, record, strict=True))


class _Progress:
    """Resumes by line: rows up to the last committed line were written by an earlier attempt
    (whatever BATCH_SIZE_FOR_INSERTION was then), so only later rows are batched again."""

    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self.response = ctx.response
        saved = self.response.get("progress", {})
        self.done_line = int(saved.get("line", 0))
        self.batches = int(saved.get("batches", 0))
        self.rows = int(saved.get("rows", 0))
        self.errors: list[str] = list(self.response.get("row_errors", []))
        self.pending_errors: list[str] = []

    def _merge_errors(self) -> None:
        """Errors met again in the part an earlier attempt already read are recorded already."""
        for error in self.pending_errors:
            line = int(error.split(":", 1)[0].removeprefix("line "))
            if line > self.done_line and error not in self.errors:
                self.errors.append(error)
        self.pending_errors.clear()

    def batch(self, rows: list[dict[str, str]], line: int, read_bytes: int) -> None:
        self.ctx.check_stop()
        self._merge_errors()
        self.response["row_errors"] = self.errors
        self.response["progress"] = {
            "rows": self.rows + len(rows), "batches": self.batches + 1, "line": line,
            "bytes": read_bytes,
        }  # fmt: skip
        batch_upsert(
            self.ctx.store,
            rows,
            with_batch=lambda conn: self.ctx.save(conn, self.response),
            priority=Priority.BULK,  # indexed behind the writes of interactive users
        )
        self.rows += len(rows)
        self.batches += 1
        instruments().job_rows.labels(self.ctx.job["job_type"]).inc(len(rows))
        self.ctx.on_write()

    def result(self) -> dict[str, Any]:
        self._merge_errors()
        self.response["row_errors"] = self.errors
        self.response["messages"] = (
            f"{self.rows} rows processed, {len(self.errors)} malformed rows skipped"
        )
        return self.response


def run_import(ctx: JobContext) -> dict[str, Any]:
    data = ctx.job["data"] if isinstance(ctx.job["data"], dict) else {}
    key = data.get("s3_key")
    if not isinstance(key, str) or not key:
        raise ValidationError("job_data.s3_key is required", path="job_data.s3_key")
    progress = _Progress(ctx)
    size = ctx.settings.batch_size_for_insertion
    with closing(ctx.objects.open_read(key, data.get("s3_bucket"))) as raw:
        counting = CountingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(counting), encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        header = _header(reader)
        progress.response["ignored_columns"] = [name for name in header if name not in KNOWN]
        batch: list[dict[str, str]] = []
        line = 0
        for line, row in _rows(reader, header, progress.pending_errors):
            if line <= progress.done_line:
                continue  # committed by an earlier attempt
            batch.append(row)
            if len(batch) == size:
                progress.batch(batch, line, counting.count)
                batch = []
        if batch:
            progress.batch(batch, line, counting.count)
    return progress.result()
