"""The SDK's exception tree and the one table that maps HTTP answers onto it.

::

    ConnectraClientError            any failure: .status .error_code .token .message .details
    ├── BadRequest                  400
    │   └── ValidationFailed        400 VALIDATION_ERROR
    ├── Unauthorized                401
    ├── Forbidden                   403
    ├── NotFound                    404
    ├── Conflict                    409
    ├── PayloadTooLarge             413
    ├── RateLimited                 429 (.retry_after seconds)
    ├── ServerError                 5xx
    └── TransportError              no HTTP answer (connect/read failure, timeout)

Callers match on the class, ``error_code`` or the leading ``ERR_`` ``token`` (CONTRACT.md §0:
the human-readable sentence is not part of the contract).
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

_TOKEN = re.compile(r"ERR_[A-Z0-9_]+")


class ConnectraClientError(Exception):
    """Base of every error the SDK raises; ``str()`` reads like the backend client's message."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        error: str | None = None,
        details: Any = None,
    ) -> None:
        prefix = f"Connectra API error: {status}" if status else "Connectra API request failed"
        super().__init__(f"{prefix} - {error or message}")
        self.message = message
        self.status = status
        self.error_code = error_code
        self.error = error
        self.details = details
        match = _TOKEN.match(error or "")
        self.token: str | None = match.group(0) if match else None


class BadRequest(ConnectraClientError):
    """400: the request was refused as malformed."""


class ValidationFailed(BadRequest):
    """400 ``VALIDATION_ERROR``: ``details`` usually names the offending field and JSON path."""


class Unauthorized(ConnectraClientError):
    """401: missing or wrong API key."""


class Forbidden(ConnectraClientError):
    """403: defined by the contract, unused by the server today."""


class NotFound(ConnectraClientError):
    """404: no live record (or filter) with that identifier."""


class Conflict(ConnectraClientError):
    """409: the record already exists (e.g. creating the same uuid twice)."""


class PayloadTooLarge(ConnectraClientError):
    """413: the request body is over the server's limit."""


class RateLimited(ConnectraClientError):
    """429: still limited after the retries; ``retry_after`` is the server's hint in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(ConnectraClientError):
    """5xx: the server failed; retried first when it was a 503."""


class TransportError(ConnectraClientError):
    """No HTTP answer at all; the httpx exception is the ``__cause__``."""


# (status, error_code) → class; a None code is the fallback for the status. A 5xx without a row
# is a ServerError, anything else unlisted the base class.
ERROR_TABLE: dict[tuple[int, str | None], type[ConnectraClientError]] = {
    (400, None): BadRequest,
    (400, "VALIDATION_ERROR"): ValidationFailed,
    (401, None): Unauthorized,
    (403, None): Forbidden,
    (404, None): NotFound,
    (409, None): Conflict,
    (413, None): PayloadTooLarge,
    (429, None): RateLimited,
}


def error_class(status: int, error_code: str | None) -> type[ConnectraClientError]:
    """The class for an HTTP answer: the exact (status, code) row, then the status row."""
    found = ERROR_TABLE.get((status, error_code)) or ERROR_TABLE.get((status, None))
    if found is not None:
        return found
    return ServerError if status >= HTTPStatus.INTERNAL_SERVER_ERROR else ConnectraClientError
