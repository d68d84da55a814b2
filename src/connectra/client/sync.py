"""``ConnectraClient``: the blocking client over ``httpx.Client``."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from connectra.client._base import VQL, BaseClient, _Request, _Retry
from connectra.client._errors import TransportError
from connectra.client.models import (
    BulkResult,
    CommonBatchResult,
    EntityType,
    FilterDefinition,
    FilterValue,
    Job,
    ObjectUrl,
    Record,
    SearchPage,
    UpsertResult,
)

T = TypeVar("T")


class ConnectraClient(BaseClient):
    """Blocking Connectra client; use it as a context manager or call :meth:`close`.

    Every search method takes a VQL dict or a :class:`~connectra.client.Query`.
    """

    _http: httpx.Client

    def _connect(self) -> None:
        self._http = httpx.Client(**self._httpx_options())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _send(self, request: _Request[T]) -> T:
        attempt = 1
        while True:
            step: T | _Retry
            try:
                response = self._http.request(**self._send_args(request))
            except httpx.RequestError as exc:
                step = self._on_transport_error(request, exc, attempt)
            else:
                step = self._on_response(request, response, attempt)
            if not isinstance(step, _Retry):
                return step
            time.sleep(step.delay)
            attempt += 1

    # -- endpoints ---------------------------------------------------------------------------

    def search_contacts(self, vql: VQL = None) -> SearchPage:
        """One page of matching contacts (``None`` values in a dict VQL are dropped)."""
        return self._send(self._search_request("contact", vql))

    def search_companies(self, vql: VQL = None) -> SearchPage:
        return self._send(self._search_request("company", vql))

    def count_contacts(self, vql: VQL = None) -> int:
        """Matches of ``where``; paging and sorting are validated but do not change it."""
        return self._send(self._count_request("contact", vql))

    def count_companies(self, vql: VQL = None) -> int:
        return self._send(self._count_request("company", vql))

    def get_contact(self, uuid: str, select_columns: Sequence[str] | None = None) -> Record:
        """One live contact by uuid; :class:`NotFound` when absent or soft-deleted."""
        return self._send(self._get_request("contact", uuid, select_columns))

    def get_company(self, uuid: str, select_columns: Sequence[str] | None = None) -> Record:
        return self._send(self._get_request("company", uuid, select_columns))

    def create_contact(self, data: Mapping[str, Any]) -> Record:
        """Create; not resent after a lost answer, since a replay would be a 409."""
        return self._send(self._create_request("contact", data))

    def create_company(self, data: Mapping[str, Any]) -> Record:
        return self._send(self._create_request("company", data))

    def update_contact(self, uuid: str, data: Mapping[str, Any]) -> Record:
        return self._send(self._update_request("contact", uuid, data))

    def update_company(self, uuid: str, data: Mapping[str, Any]) -> Record:
        return self._send(self._update_request("company", uuid, data))

    def delete_contact(self, uuid: str) -> None:
        """Soft delete; not resent after a lost answer, since a replay would be a 404."""
        self._send(self._delete_request("contact", uuid))

    def delete_company(self, uuid: str) -> None:
        self._send(self._delete_request("company", uuid))

    def upsert_contact(self, data: Mapping[str, Any]) -> UpsertResult:
        """Match by uuid, then email, then derived uuid; else create (``is_new``)."""
        return self._send(self._upsert_request("contact", data))

    def upsert_company(self, data: Mapping[str, Any]) -> UpsertResult:
        return self._send(self._upsert_request("company", data))

    def bulk_upsert_contacts(self, records: Iterable[Mapping[str, Any]]) -> BulkResult:
        """Up to 1,000 records; invalid ones come back in ``errors`` (207 is not raised)."""
        return self._send(self._bulk_request("contact", records))

    def bulk_upsert_companies(self, records: Iterable[Mapping[str, Any]]) -> BulkResult:
        return self._send(self._bulk_request("company", records))

    def batch_upsert_contacts(self, records: Iterable[Mapping[str, Any]]) -> BulkResult:
        """The Original bare-array route: up to 100 records, same result as bulk."""
        return self._send(self._batch_upsert_request("contact", records))

    def batch_upsert_companies(self, records: Iterable[Mapping[str, Any]]) -> BulkResult:
        return self._send(self._batch_upsert_request("company", records))

    def get_filters(self, service: EntityType) -> list[FilterDefinition]:
        """Filter definitions of ``contact`` or ``company``, ordered by key."""
        return self._send(self._filters_request(service))

    def get_filter_data(
        self,
        service: EntityType,
        filter_key: str,
        search_text: str | None = None,
        page: int = 1,
        limit: int = 25,
    ) -> list[FilterValue]:
        """One page of a filter's values held by live records, each with its count."""
        return self._send(self._filter_data_request(service, filter_key, search_text, page, limit))

    def common_batch_upsert(self, rows: Iterable[Mapping[str, str]]) -> CommonBatchResult:
        """1..100 CSV-style rows (every cell a string) → companies and contacts."""
        return self._send(self._common_batch_request(rows))

    def health_check(self) -> dict[str, Any]:
        """The health document, also when the server reports itself ``degraded`` (503)."""
        return self._send(self._health_request())

    def create_job(self, job_type: str, job_data: Any, retry_count: int | None = None) -> Job:
        """Queue a job (``insert_csv_file`` or ``export_csv_file``); not resent after a lost
        answer, since a replay would run the job twice."""
        return self._send(self._create_job_request(job_type, job_data, retry_count))

    def list_jobs(
        self,
        job_type: str | None = None,
        status: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[Job]:
        """Jobs, newest first (at most ``limit``, 25 by default, 100 at most)."""
        return self._send(self._list_jobs_request(job_type, status, limit))

    def get_job(self, uuid: str) -> Job:
        """One job with its progress; :class:`NotFound` when unknown."""
        return self._send(self._get_job_request(uuid))

    def upload_url(self, filename: str, bucket: str | None = None) -> ObjectUrl:
        """A signed URL that takes one PUT of a file, and the key it will be stored at."""
        return self._send(self._object_url_request("upload", "filename", filename, bucket))

    def download_url(self, s3_key: str, bucket: str | None = None) -> ObjectUrl:
        """A signed URL that answers GET with the object (e.g. an export's ``s3_key``)."""
        return self._send(self._object_url_request("download", "s3_key", s3_key, bucket))

    def import_csv(
        self, path: str | Path, *, bucket: str | None = None, retry_count: int | None = None
    ) -> Job:
        """Upload a CSV file (streamed) and start an ``insert_csv_file`` job on it."""
        file = Path(path)
        upload = self.upload_url(file.name, bucket)
        with file.open("rb") as handle, httpx.Client() as raw:
            try:
                response = raw.put(upload.url, content=handle, **self._upload_args(file))
            except httpx.RequestError as exc:
                raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        self._check_upload(response)
        return self.create_job(
            "insert_csv_file", self._import_job_data(upload, bucket), retry_count
        )

    # -- helpers -----------------------------------------------------------------------------

    def get_contact_by_uuid(self, uuid: str) -> Record:
        """A search on ``uuid`` with limit 1, as the backend does (CONTRACT.md §g.2);
        :class:`NotFound` when nothing matches."""
        page = self.search_contacts(self._uuid_query(uuid))
        return self._first_or_not_found(page, "contact", uuid)

    def get_company_by_uuid(self, uuid: str) -> Record:
        page = self.search_companies(self._uuid_query(uuid))
        return self._first_or_not_found(page, "company", uuid)

    def search_by_linkedin_url(self, url: str, entity_type: EntityType = "contact") -> SearchPage:
        """Exact ``linkedin_url`` match (case-insensitive)."""
        return self._send(self._search_request(entity_type, self._linkedin_query(url)))

    def batch_search_by_uuids(
        self, uuids: Iterable[str], entity_type: EntityType, batch_size: int = 100
    ) -> list[Record]:
        """Records for ``uuids`` in the order given, each once; unknown uuids are skipped.
        One search per chunk of at most 100 (the server's limit cap)."""
        given = list(uuids)
        pages = [
            self._send(self._search_request(entity_type, chunk))
            for chunk in self._uuid_chunks(given, batch_size)
        ]
        return self._in_given_order(given, pages)

    def batch_get_contacts_by_uuids(
        self, uuids: Iterable[str], batch_size: int = 100
    ) -> dict[str, Record]:
        """As :meth:`batch_search_by_uuids`, keyed by uuid."""
        return self._by_uuid(self.batch_search_by_uuids(uuids, "contact", batch_size))

    def batch_get_companies_by_uuids(
        self, uuids: Iterable[str], batch_size: int = 100
    ) -> dict[str, Record]:
        return self._by_uuid(self.batch_search_by_uuids(uuids, "company", batch_size))

    def iter_contacts(self, vql: VQL = None) -> Iterator[Record]:
        """Every match, page after page by cursor; ``limit`` is the page size (default 100).
        ``uuid`` is appended to the sort unless it ends it already: cursors need a total
        order, or records tied on the sort keys could be skipped at page boundaries."""
        return self._iterate("contact", vql)

    def iter_companies(self, vql: VQL = None) -> Iterator[Record]:
        return self._iterate("company", vql)

    def _iterate(self, entity_type: EntityType, vql: VQL) -> Iterator[Record]:
        body: dict[str, Any] | None = self._iter_body(vql)
        while body is not None:
            page = self._send(self._search_request(entity_type, body))
            yield from page.data
            body = self._next_body(body, page)
