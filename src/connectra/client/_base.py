"""What the sync and async clients share: configuration, request building, retry decisions,
response decoding and the status → exception mapping. The subclasses only move bytes."""

from __future__ import annotations

import email.utils
import os
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from connectra import __version__
from connectra.client._errors import (
    ConnectraClientError,
    NotFound,
    RateLimited,
    TransportError,
    error_class,
)
from connectra.client._vql import Q, Query
from connectra.client.models import (
    BulkResult,
    CommonBatchResult,
    FilterDefinition,
    FilterValue,
    Job,
    ObjectUrl,
    Record,
    SearchPage,
    UpsertResult,
)

T = TypeVar("T")
VQL = Query | Mapping[str, Any] | None

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
MAX_UUIDS_PER_SEARCH = 100  # the server's VQL limit cap (CONTRACT.md §c.4)
ITER_PAGE_SIZE = 100
_PLURALS = {"contact": "contacts", "company": "companies"}
_SINGULARS = {v: k for k, v in _PLURALS.items()}
_RETRY_STATUSES = frozenset({429, 503})
# Transport failures that prove the request never reached the server: safe to resend even for
# calls that are not idempotent.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True, slots=True)
class _Request(Generic[T]):
    """One API call, ready to send; ``decode`` turns the parsed JSON body into the result."""

    method: str
    path: str
    decode: Callable[[Any], T]
    json: Any = None
    params: Mapping[str, str] | None = None
    # create and delete answer 409/404 when replayed, so they are resent only when unsent
    # (a transport error before sending; a 429).
    idempotent: bool = True
    # Non-2xx statuses that still carry a result (health answers 503 "degraded").
    accept: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class _Retry:
    """Wait this long, then send again."""

    delay: float


def _env(name: str, default: str, parse: Callable[[str], T]) -> T:
    raw = os.environ.get(name, default)
    try:
        return parse(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a valid value") from None


def drop_none(value: Any) -> Any:
    """The body without ``None`` values in objects, at any depth: ``null`` means "absent" to the
    caller but the server would reject or misread it (CONTRACT.md §g.2: nulls dropped). Array
    items are kept, since bulk errors report positions in the array the caller sent."""
    if isinstance(value, Mapping):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [drop_none(v) for v in value]
    return value


def vql_body(vql: VQL) -> dict[str, Any]:
    """A builder or a plain dict, as the JSON object the search endpoints take."""
    if vql is None:
        return {}
    if isinstance(vql, Query):
        return vql.to_dict()
    return dict(drop_none(vql))


def plural(entity_type: str) -> str:
    """``contact``/``company`` (plurals accepted too) → the path segment."""
    name = entity_type.strip().lower()
    if name in _PLURALS.values():
        return name
    if name not in _PLURALS:
        raise ValueError(f"entity_type must be 'contact' or 'company', got {entity_type!r}")
    return _PLURALS[name]


def _data(body: Any) -> Any:
    return body["data"]


def _job(body: Any) -> Job:
    return Job.from_json(body["data"])


def _item_path(entity_type: str, uuid: str) -> str:
    """``/<plural>/<uuid>``, quoted so that a malformed uuid cannot reach another route."""
    return f"/{plural(entity_type)}/{quote(uuid.strip(), safe='')}"


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_from(response: httpx.Response) -> ConnectraClientError:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {"error": response.text or response.reason_phrase}
    error = str(body.get("error") or body.get("message") or response.reason_phrase)
    kwargs: dict[str, Any] = {
        "status": response.status_code,
        "error_code": body.get("error_code"),
        "error": error,
        "details": body.get("details"),
    }
    cls = error_class(response.status_code, kwargs["error_code"])
    message = str(body.get("message") or error)
    if cls is RateLimited:
        seconds = retry_after_seconds(response.headers.get("Retry-After"))
        return RateLimited(message, retry_after=seconds, **kwargs)
    return cls(message, **kwargs)


class BaseClient:
    """Configuration, request building and retry policy shared by both clients.

    Every argument left ``None`` is read from the environment when the client is built (never
    at import): ``CONNECTRA_BASE_URL``, ``CONNECTRA_API_KEY``, ``CONNECTRA_TIMEOUT`` (30 s),
    ``CONNECTRA_RETRY_ATTEMPTS`` (3 attempts in all) and ``CONNECTRA_RETRY_DELAY`` (1.0 s, the
    first backoff step). Transport errors, 429 and 503 are retried with exponential backoff and
    full jitter, capped at ``max_retry_delay``. A ``Retry-After`` is honoured as given; one longer
    than ``max_retry_delay`` is raised at once (:class:`RateLimited` carries it) rather than
    blocking the caller for minutes inside one call.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float | None = None,
        retry_attempts: int | None = None,
        retry_delay: float | None = None,
        max_retry_delay: float = 10.0,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        url = base_url or os.environ.get("CONNECTRA_BASE_URL") or DEFAULT_BASE_URL
        self.base_url = url.rstrip("/")
        self.api_key = api_key if api_key is not None else os.environ.get("CONNECTRA_API_KEY")
        self.timeout = timeout if timeout is not None else _env("CONNECTRA_TIMEOUT", "30", float)
        attempts = retry_attempts
        if attempts is None:
            attempts = _env("CONNECTRA_RETRY_ATTEMPTS", "3", int)
        self.retry_attempts = max(1, attempts)
        self.retry_delay = (
            retry_delay if retry_delay is not None else _env("CONNECTRA_RETRY_DELAY", "1.0", float)
        )
        self.max_retry_delay = max_retry_delay
        self.headers = {
            "Accept": "application/json",
            "User-Agent": f"connectra-python/{__version__}",
            **({"X-API-Key": self.api_key} if self.api_key else {}),
            **(headers or {}),
        }
        self._connect()

    def _connect(self) -> None:
        """Create the subclass's httpx client from :meth:`_httpx_options`."""
        raise NotImplementedError

    def _httpx_options(self) -> dict[str, Any]:
        """Arguments shared by ``httpx.Client`` and ``httpx.AsyncClient``."""
        return {
            "base_url": self.base_url,
            "headers": self.headers,
            "timeout": httpx.Timeout(self.timeout),
            # Original servers answer /contacts with a 307 to /contacts/ (CONTRACT.md §g.2).
            "follow_redirects": True,
        }

    @staticmethod
    def _send_args(request: _Request[Any]) -> dict[str, Any]:
        args: dict[str, Any] = {"method": request.method, "url": request.path}
        if request.json is not None:
            args["json"] = request.json
        if request.params:
            args["params"] = dict(request.params)
        return args

    # -- retry policy ------------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, delay·2^(attempt-1))], so that clients that
        failed together do not retry together."""
        ceiling = min(self.max_retry_delay, self.retry_delay * 2 ** (attempt - 1))
        return random.uniform(0.0, max(0.0, ceiling))  # noqa: S311 - jitter, not a secret

    def _on_transport_error(
        self, request: _Request[Any], error: httpx.RequestError, attempt: int
    ) -> _Retry:
        """Retry, or raise :class:`TransportError` once attempts are spent or a resend could
        repeat a write that may already have happened (too many redirects: never retried)."""
        resend = request.idempotent or isinstance(error, _NOT_SENT)
        retryable = isinstance(error, httpx.TransportError)
        if retryable and resend and attempt < self.retry_attempts:
            return _Retry(self._backoff(attempt))
        raise TransportError(f"{type(error).__name__}: {error}") from error

    def _on_response(
        self, request: _Request[T], response: httpx.Response, attempt: int
    ) -> T | _Retry:
        status = response.status_code
        if response.is_success or status in request.accept:
            return self._decode(request, response)
        error = _error_from(response)
        # A 503 may come after the write was done (the database lost at commit): a call that is
        # not idempotent is not sent again, as for a transport error after sending. A 429 is
        # refused before anything is done, so it is always retried.
        resend = request.idempotent or status != HTTPStatus.SERVICE_UNAVAILABLE
        if status in _RETRY_STATUSES and resend and attempt < self.retry_attempts:
            hint = retry_after_seconds(response.headers.get("Retry-After"))
            if hint is None:
                return _Retry(self._backoff(attempt))
            if hint <= self.max_retry_delay:
                return _Retry(hint)
        raise error

    @staticmethod
    def _decode(request: _Request[T], response: httpx.Response) -> T:
        try:
            body = response.json()
        except ValueError as exc:
            raise ConnectraClientError(
                f"the answer to {request.method} {request.path} is not JSON",
                status=response.status_code,
                error=response.text[:200],
            ) from exc
        return request.decode(body)

    # -- requests ----------------------------------------------------------------------------

    @staticmethod
    def _search_request(entity_type: str, vql: VQL) -> _Request[SearchPage]:
        return _Request("POST", f"/{plural(entity_type)}", SearchPage.from_json, vql_body(vql))

    @staticmethod
    def _count_request(entity_type: str, vql: VQL) -> _Request[int]:
        path = f"/{plural(entity_type)}/count"
        return _Request("POST", path, lambda body: int(body["count"]), vql_body(vql))

    @staticmethod
    def _get_request(
        entity_type: str, uuid: str, select_columns: Sequence[str] | None
    ) -> _Request[Record]:
        params = {"select_columns": ",".join(select_columns)} if select_columns else None
        return _Request("GET", _item_path(entity_type, uuid), _data, params=params)

    @staticmethod
    def _create_request(entity_type: str, data: Mapping[str, Any]) -> _Request[Record]:
        path = f"/{plural(entity_type)}/create"
        return _Request("POST", path, _data, drop_none(data), idempotent=False)

    @staticmethod
    def _update_request(entity_type: str, uuid: str, data: Mapping[str, Any]) -> _Request[Record]:
        return _Request("PUT", _item_path(entity_type, uuid), _data, drop_none(data))

    @staticmethod
    def _delete_request(entity_type: str, uuid: str) -> _Request[None]:
        path = _item_path(entity_type, uuid)
        return _Request("DELETE", path, lambda _body: None, idempotent=False)

    @staticmethod
    def _upsert_request(entity_type: str, data: Mapping[str, Any]) -> _Request[UpsertResult]:
        path = f"/{plural(entity_type)}/upsert"
        return _Request("POST", path, UpsertResult.from_json, drop_none(data))

    @staticmethod
    def _bulk_request(
        entity_type: str, records: Iterable[Mapping[str, Any]]
    ) -> _Request[BulkResult]:
        name = plural(entity_type)
        body = {name: [drop_none(r) for r in records]}
        return _Request("POST", f"/{name}/bulk", BulkResult.from_json, body)

    @staticmethod
    def _batch_upsert_request(
        entity_type: str, records: Iterable[Mapping[str, Any]]
    ) -> _Request[BulkResult]:
        body = [drop_none(r) for r in records]
        path = f"/{plural(entity_type)}/batch-upsert"
        return _Request("POST", path, BulkResult.from_json, body)

    @staticmethod
    def _filters_request(service: str) -> _Request[list[FilterDefinition]]:
        def decode(body: Any) -> list[FilterDefinition]:
            return [FilterDefinition.from_json(item) for item in body.get("data") or []]

        return _Request("GET", f"/{plural(service)}/filters", decode)

    @staticmethod
    def _filter_data_request(
        service: str, filter_key: str, search_text: str | None, page: int, limit: int
    ) -> _Request[list[FilterValue]]:
        def decode(body: Any) -> list[FilterValue]:
            return [FilterValue.from_json(item) for item in body.get("data") or []]

        name = plural(service)
        payload = drop_none(
            {
                "service": _SINGULARS[name],
                "filter_key": filter_key,
                "search_text": search_text,
                "page": page,
                "limit": limit,
            }
        )
        return _Request("POST", f"/{name}/filters/data", decode, payload)

    @staticmethod
    def _common_batch_request(rows: Iterable[Mapping[str, str]]) -> _Request[CommonBatchResult]:
        body = {"data": [dict(row) for row in rows]}
        return _Request("POST", "/common/batch-upsert", CommonBatchResult.from_json, body)

    @staticmethod
    def _create_job_request(job_type: str, job_data: Any, retry_count: int | None) -> _Request[Job]:
        body = drop_none({"job_type": job_type, "job_data": job_data, "retry_count": retry_count})
        # A replayed create would start the job twice: resent only when surely unsent.
        return _Request("POST", "/common/jobs/create", _job, body, idempotent=False)

    @staticmethod
    def _list_jobs_request(
        job_type: str | None, status: Sequence[str] | None, limit: int | None
    ) -> _Request[list[Job]]:
        def decode(body: Any) -> list[Job]:
            return [Job.from_json(item) for item in body.get("data") or []]

        status_list = list(status) if status is not None else None
        payload = drop_none({"job_type": job_type, "status": status_list, "limit": limit})
        return _Request("POST", "/common/jobs", decode, payload)

    @staticmethod
    def _get_job_request(uuid: str) -> _Request[Job]:
        return _Request("GET", f"/common/jobs/{quote(uuid.strip(), safe='')}", _job)

    @staticmethod
    def _object_url_request(
        kind: str, name: str, value: str, bucket: str | None
    ) -> _Request[ObjectUrl]:
        params = {name: value, **({"bucket": bucket} if bucket else {})}
        return _Request("GET", f"/common/{kind}-url", ObjectUrl.from_json, params=params)

    def _upload_args(self, path: Path) -> dict[str, Any]:
        """``httpx`` arguments (besides ``content``) of the PUT of a file to a signed URL: a
        client without the API key (the URL may point at S3), and a Content-Length, since
        presigned S3 PUTs refuse chunked bodies."""
        headers = {"Content-Type": "text/csv", "Content-Length": str(path.stat().st_size)}
        return {"timeout": httpx.Timeout(self.timeout), "headers": headers}

    @staticmethod
    def _check_upload(response: httpx.Response) -> None:
        if not response.is_success:
            raise _error_from(response)

    @staticmethod
    def _import_job_data(upload: ObjectUrl, bucket: str | None) -> dict[str, Any]:
        return {"s3_key": upload.s3_key, **({"s3_bucket": bucket} if bucket else {})}

    @staticmethod
    def _health_request() -> _Request[dict[str, Any]]:
        return _Request("GET", "/health", dict, accept=frozenset({503}))

    # -- helpers of CONTRACT.md §g.2 ---------------------------------------------------------

    @staticmethod
    def _uuid_query(uuid: str) -> Query:
        return Q.keyword("uuid", uuid).limit(1)

    @staticmethod
    def _linkedin_query(url: str) -> Query:
        return Q.keyword("linkedin_url", url)

    @staticmethod
    def _first_or_not_found(page: SearchPage, entity_type: str, uuid: str) -> Record:
        if not page.data:
            label = _SINGULARS[plural(entity_type)].capitalize()
            raise NotFound(
                f"{label} with uuid {uuid!r} not found",
                status=404,
                error_code="NOT_FOUND",
                error=f"{label} with uuid {uuid!r} not found",
            )
        return page.data[0]

    @staticmethod
    def _uuid_chunks(uuids: Iterable[str], batch_size: int) -> list[Query]:
        """One any-of query per chunk of distinct uuids (≤ 100, the server's limit cap)."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        size = min(batch_size, MAX_UUIDS_PER_SEARCH)
        distinct = list(dict.fromkeys(u.strip().lower() for u in uuids))
        return [
            Q.keyword("uuid", distinct[i : i + size]).limit(len(distinct[i : i + size]))
            for i in range(0, len(distinct), size)
        ]

    @staticmethod
    def _in_given_order(uuids: Iterable[str], pages: Iterable[SearchPage]) -> list[Record]:
        """Records in the order the uuids were given, each once; unknown uuids are skipped."""
        found = {str(r.get("uuid", "")).lower(): r for page in pages for r in page.data}
        order = dict.fromkeys(u.strip().lower() for u in uuids)
        return [found[u] for u in order if u in found]

    @staticmethod
    def _by_uuid(records: Iterable[Record]) -> dict[str, Record]:
        return {str(r["uuid"]): r for r in records}

    @staticmethod
    def _iter_body(vql: VQL) -> dict[str, Any]:
        """The VQL of the first page of a full traversal: a total order (``uuid`` appended
        unless it already ends the sort, so cursors never skip ties), no page offset, and
        ``limit`` as the page size (100 when absent)."""
        body = vql_body(vql)
        order = list(body.get("order_by") or [])
        if not order or order[-1].get("order_by") != "uuid":
            order.append({"order_by": "uuid"})
        body["order_by"] = order
        body.pop("page", None)
        body.setdefault("limit", ITER_PAGE_SIZE)
        return body

    @staticmethod
    def _next_body(body: dict[str, Any], page: SearchPage) -> dict[str, Any] | None:
        """The request after ``page``, or None at the end (an empty page)."""
        cursor = page.next_cursor
        if cursor is None:
            return None
        return {**body, "cursor": cursor}
