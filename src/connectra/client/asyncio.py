"""``AsyncConnectraClient``: the asyncio client over ``httpx.AsyncClient``.

Same method names and signatures as :class:`~connectra.client.ConnectraClient` (see there for
what each does); every method is a coroutine except ``iter_*``, which are async iterators.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self, TypeVar

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


class AsyncConnectraClient(BaseClient):
    """Asyncio Connectra client; use ``async with`` or await :meth:`aclose`."""

    _http: httpx.AsyncClient

    def _connect(self) -> None:
        self._http = httpx.AsyncClient(**self._httpx_options())

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, request: _Request[T]) -> T:
        attempt = 1
        while True:
            step: T | _Retry
            try:
                response = await self._http.request(**self._send_args(request))
            except httpx.RequestError as exc:
                step = self._on_transport_error(request, exc, attempt)
            else:
                step = self._on_response(request, response, attempt)
            if not isinstance(step, _Retry):
                return step
            await asyncio.sleep(step.delay)
            attempt += 1

    # -- endpoints ---------------------------------------------------------------------------

    async def search_contacts(self, vql: VQL = None) -> SearchPage:
        return await self._send(self._search_request("contact", vql))

    async def search_companies(self, vql: VQL = None) -> SearchPage:
        return await self._send(self._search_request("company", vql))

    async def count_contacts(self, vql: VQL = None) -> int:
        return await self._send(self._count_request("contact", vql))

    async def count_companies(self, vql: VQL = None) -> int:
        return await self._send(self._count_request("company", vql))

    async def get_contact(self, uuid: str, select_columns: Sequence[str] | None = None) -> Record:
        return await self._send(self._get_request("contact", uuid, select_columns))

    async def get_company(self, uuid: str, select_columns: Sequence[str] | None = None) -> Record:
        return await self._send(self._get_request("company", uuid, select_columns))

    async def create_contact(self, data: Mapping[str, Any]) -> Record:
        return await self._send(self._create_request("contact", data))

    async def create_company(self, data: Mapping[str, Any]) -> Record:
        return await self._send(self._create_request("company", data))

    async def update_contact(self, uuid: str, data: Mapping[str, Any]) -> Record:
        return await self._send(self._update_request("contact", uuid, data))

    async def update_company(self, uuid: str, data: Mapping[str, Any]) -> Record:
        return await self._send(self._update_request("company", uuid, data))

    async def delete_contact(self, uuid: str) -> None:
        await self._send(self._delete_request("contact", uuid))

    async def delete_company(self, uuid: str) -> None:
        await self._send(self._delete_request("company", uuid))

    async def upsert_contact(self, data: Mapping[str, Any]) -> UpsertResult:
        return await self._send(self._upsert_request("contact", data))

    async def upsert_company(self, data: Mapping[str, Any]) -> UpsertResult:
        return await self._send(self._upsert_request("company", data))

    async def bulk_upsert_contacts(self, records: Iterable[Mapping[str, Any]]) -> BulkResult:
        return await self._send(self._bulk_request("contact", records))

    async def bulk_upsert_companies(self, records: Iterable[Mapping[str, Any]]) -> BulkResult:
        return await self._send(self._bulk_request("company", records))

    async def batch_upsert_contacts(self, records: Iterable[Mapping[str, Any]]) -> BulkResult:
        return await self._send(self._batch_upsert_request("contact", records))

    async def batch_upsert_companies(self, records: Iterable[Mapping[str, Any]]) -> BulkResult:
        return await self._send(self._batch_upsert_request("company", records))

    async def get_filters(self, service: EntityType) -> list[FilterDefinition]:
        return await self._send(self._filters_request(service))

    async def get_filter_data(
        self,
        service: EntityType,
        filter_key: str,
        search_text: str | None = None,
        page: int = 1,
        limit: int = 25,
    ) -> list[FilterValue]:
        request = self._filter_data_request(service, filter_key, search_text, page, limit)
        return await self._send(request)

    async def common_batch_upsert(self, rows: Iterable[Mapping[str, str]]) -> CommonBatchResult:
        return await self._send(self._common_batch_request(rows))

    async def health_check(self) -> dict[str, Any]:
        return await self._send(self._health_request())

    async def create_job(self, job_type: str, job_data: Any, retry_count: int | None = None) -> Job:
        return await self._send(self._create_job_request(job_type, job_data, retry_count))

    async def list_jobs(
        self,
        job_type: str | None = None,
        status: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[Job]:
        return await self._send(self._list_jobs_request(job_type, status, limit))

    async def get_job(self, uuid: str) -> Job:
        return await self._send(self._get_job_request(uuid))

    async def upload_url(self, filename: str, bucket: str | None = None) -> ObjectUrl:
        return await self._send(self._object_url_request("upload", "filename", filename, bucket))

    async def download_url(self, s3_key: str, bucket: str | None = None) -> ObjectUrl:
        return await self._send(self._object_url_request("download", "s3_key", s3_key, bucket))

    async def import_csv(
        self, path: str | Path, *, bucket: str | None = None, retry_count: int | None = None
    ) -> Job:
        file = Path(path)
        upload = await self.upload_url(file.name, bucket)
        handle = await asyncio.to_thread(file.open, "rb")
        try:
            async with httpx.AsyncClient() as raw:
                response = await raw.put(
                    upload.url, content=_read_chunks(handle), **self._upload_args(file)
                )
        except httpx.RequestError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            await asyncio.to_thread(handle.close)
        self._check_upload(response)
        job_data = self._import_job_data(upload, bucket)
        return await self.create_job("insert_csv_file", job_data, retry_count)

    # -- helpers -----------------------------------------------------------------------------

    async def get_contact_by_uuid(self, uuid: str) -> Record:
        page = await self.search_contacts(self._uuid_query(uuid))
        return self._first_or_not_found(page, "contact", uuid)

    async def get_company_by_uuid(self, uuid: str) -> Record:
        page = await self.search_companies(self._uuid_query(uuid))
        return self._first_or_not_found(page, "company", uuid)

    async def search_by_linkedin_url(
        self, url: str, entity_type: EntityType = "contact"
    ) -> SearchPage:
        return await self._send(self._search_request(entity_type, self._linkedin_query(url)))

    async def batch_search_by_uuids(
        self, uuids: Iterable[str], entity_type: EntityType, batch_size: int = 100
    ) -> list[Record]:
        given = list(uuids)
        pages = [
            await self._send(self._search_request(entity_type, chunk))
            for chunk in self._uuid_chunks(given, batch_size)
        ]
        return self._in_given_order(given, pages)

    async def batch_get_contacts_by_uuids(
        self, uuids: Iterable[str], batch_size: int = 100
    ) -> dict[str, Record]:
        return self._by_uuid(await self.batch_search_by_uuids(uuids, "contact", batch_size))

    async def batch_get_companies_by_uuids(
        self, uuids: Iterable[str], batch_size: int = 100
    ) -> dict[str, Record]:
        return self._by_uuid(await self.batch_search_by_uuids(uuids, "company", batch_size))

    def iter_contacts(self, vql: VQL = None) -> AsyncIterator[Record]:
        return self._iterate("contact", vql)

    def iter_companies(self, vql: VQL = None) -> AsyncIterator[Record]:
        return self._iterate("company", vql)

    async def _iterate(self, entity_type: EntityType, vql: VQL) -> AsyncIterator[Record]:
        body: dict[str, Any] | None = self._iter_body(vql)
        while body is not None:
            page = await self._send(self._search_request(entity_type, body))
            for record in page.data:
                yield record
            body = self._next_body(body, page)


async def _read_chunks(handle: BinaryIO, size: int = 256 * 1024) -> AsyncIterator[bytes]:
    """The file in chunks, read in a worker thread so the event loop never blocks on disk."""
    while chunk := await asyncio.to_thread(handle.read, size):
        yield chunk
