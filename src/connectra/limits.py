"""Every limit Connectra enforces, defined once: services and routes check against these, and
the OpenAPI schema declares them (CONTRACT.md §b.6, §c.6, §e, §f)."""

from __future__ import annotations

from connectra.errors import PageSizeExceeded

PAGE_SIZE_DEFAULT = 25  # VQL `limit`, /filters/data `limit` and the job list's `limit` when absent
PAGE_SIZE_MAX = 100
PAGE_MAX = 10  # VQL `page`: deeper pages go through cursors

BULK_WRITE_MAX = 1000  # records per POST /{contacts|companies}/bulk
BATCH_UPSERT_MAX = 100  # rows per POST /common/batch-upsert and PUT /{contacts|companies}/
BODY_MAX_BYTES = 10 * 1024 * 1024  # any request body, chunked or not (uploads are streamed apart)

CSV_ROW_ERRORS_MAX = 1000  # malformed rows an import skips before it fails as the wrong file

STORE_IN_CHUNK = 1000  # values per SQL IN list (SQLite's and PostgreSQL's comfortable size)

VERIFY_PAGE_SIZE = 5000  # uuids per page of `connectra verify` on each side, and per repair write


def page_size(limit: int | None) -> int:
    """A list's ``limit``: absent or <= 0 → the default, above the maximum → 400."""
    if limit is None or limit <= 0:
        return PAGE_SIZE_DEFAULT
    if limit > PAGE_SIZE_MAX:
        raise PageSizeExceeded(
            f"limit must be at most {PAGE_SIZE_MAX}, got {limit}", path="limit", field="limit"
        )
    return limit
