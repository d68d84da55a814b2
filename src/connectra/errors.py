"""The one error tree; every error knows its HTTP status, error_code and ERR token.

::

    ConnectraError                      500 INTERNAL_ERROR
    ├── ValidationError                 400 VALIDATION_ERROR   (field + JSON path)
    │   ├── PageSizeExceeded                ERR_PAGE_SIZE_EXCEEDED
    │   ├── PageOutOfRange                  ERR_PAGE_OUT_OF_RANGE
    │   ├── EmptyPayload                    ERR_EMPTY_PAYLOAD
    │   ├── BatchTooLarge                   ERR_BATCH_TOO_LARGE
    │   ├── MissingJobType                  ERR_MISSING_JOB_TYPE
    │   ├── MissingJobData                  ERR_MISSING_JOB_DATA
    │   ├── InvalidRetryCount               ERR_INVALID_RETRY_COUNT
    │   ├── InvalidLimit                    ERR_INVALID_LIMIT
    │   ├── LimitTooHigh                    ERR_LIMIT_TOO_HIGH
    │   ├── UnsupportedService              ERR_UNSUPPORTED_SERVICE
    │   ├── MissingSelectColumns            ERR_MISSING_SELECT_COLUMNS
    │   ├── UnknownService                  ERR_UNKNOWN_SERVICE
    │   ├── InvalidJobType                  ERR_INVALID_JOB_TYPE
    │   ├── FilenameRequired                ERR_FILENAME_REQUIRED
    │   └── S3KeyRequired                   ERR_S3_KEY_REQUIRED
    ├── BadRequest                      400 BAD_REQUEST
    ├── Unauthorized                    401 UNAUTHORIZED
    ├── Forbidden                       403 FORBIDDEN
    ├── NotFound                        404 NOT_FOUND
    │   ├── ContactNotFound                 ERR_CONTACT_NOT_FOUND
    │   ├── CompanyNotFound                 ERR_COMPANY_NOT_FOUND
    │   └── JobNotFound                     ERR_JOB_NOT_FOUND
    ├── Conflict                        409 CONFLICT
    ├── PayloadTooLarge                 413 PAYLOAD_TOO_LARGE
    ├── RateLimitExceeded               429 RATE_LIMIT_EXCEEDED
    ├── DatabaseError                   500 DATABASE_ERROR     ERR_DATA_FETCH_FAILED
    ├── SearchEngineError               500 ELASTICSEARCH_ERROR ERR_ELASTICSEARCH_FAILURE
    │   └── IndexOutdated                   (an embedded index written with another schema)
    ├── ObjectStorageError              500 INTERNAL_ERROR
    └── ConfigurationError              500 INTERNAL_ERROR
"""

from __future__ import annotations

from typing import Any, ClassVar


class ConnectraError(Exception):
    """Base of every error the service raises on purpose."""

    status: ClassVar[int] = 500
    error_code: ClassVar[str] = "INTERNAL_ERROR"
    token: ClassVar[str | None] = None

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def error(self) -> str:
        """The contract's ``error`` string: ``"<ERR_TOKEN>: <message>"`` when there is a token."""
        return f"{self.token}: {self.message}" if self.token else self.message

    def envelope(self) -> dict[str, Any]:
        """Error style A of CONTRACT.md §d.2."""
        body: dict[str, Any] = {
            "success": False,
            "error": self.error,
            "error_code": self.error_code,
            "message": self.error,
        }
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationError(ConnectraError):
    """Bad input; ``path`` is the JSON path of the offending value (e.g. ``where.x[1]``)."""

    status = 400
    error_code = "VALIDATION_ERROR"

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        field: str | None = None,
        details: Any = None,
    ) -> None:
        if details is None and (path is not None or field is not None):
            details = {key: val for key, val in (("field", field), ("path", path)) if val}
        super().__init__(message, details=details)
        self.path = path
        self.field = field


class PageSizeExceeded(ValidationError):
    token = "ERR_PAGE_SIZE_EXCEEDED"


class PageOutOfRange(ValidationError):
    token = "ERR_PAGE_OUT_OF_RANGE"


class EmptyPayload(ValidationError):
    token = "ERR_EMPTY_PAYLOAD"


class BatchTooLarge(ValidationError):
    token = "ERR_BATCH_TOO_LARGE"


class MissingJobType(ValidationError):
    token = "ERR_MISSING_JOB_TYPE"


class MissingJobData(ValidationError):
    token = "ERR_MISSING_JOB_DATA"


class InvalidRetryCount(ValidationError):
    token = "ERR_INVALID_RETRY_COUNT"


class InvalidLimit(ValidationError):
    token = "ERR_INVALID_LIMIT"


class LimitTooHigh(ValidationError):
    token = "ERR_LIMIT_TOO_HIGH"


class UnsupportedService(ValidationError):
    token = "ERR_UNSUPPORTED_SERVICE"


class MissingSelectColumns(ValidationError):
    token = "ERR_MISSING_SELECT_COLUMNS"


class UnknownService(ValidationError):
    token = "ERR_UNKNOWN_SERVICE"


class InvalidJobType(ValidationError):
    token = "ERR_INVALID_JOB_TYPE"


class FilenameRequired(ValidationError):
    token = "ERR_FILENAME_REQUIRED"


class S3KeyRequired(ValidationError):
    token = "ERR_S3_KEY_REQUIRED"


class BadRequest(ConnectraError):
    status = 400
    error_code = "BAD_REQUEST"


class Unauthorized(ConnectraError):
    status = 401
    error_code = "UNAUTHORIZED"


class Forbidden(ConnectraError):
    status = 403
    error_code = "FORBIDDEN"


class NotFound(ConnectraError):
    status = 404
    error_code = "NOT_FOUND"


class ContactNotFound(NotFound):
    token = "ERR_CONTACT_NOT_FOUND"


class CompanyNotFound(NotFound):
    token = "ERR_COMPANY_NOT_FOUND"


class JobNotFound(NotFound):
    token = "ERR_JOB_NOT_FOUND"


class Conflict(ConnectraError):
    status = 409
    error_code = "CONFLICT"


class PayloadTooLarge(ConnectraError):
    status = 413
    error_code = "PAYLOAD_TOO_LARGE"


class RateLimitExceeded(ConnectraError):
    status = 429
    error_code = "RATE_LIMIT_EXCEEDED"


class DatabaseError(ConnectraError):
    error_code = "DATABASE_ERROR"
    token = "ERR_DATA_FETCH_FAILED"


class SearchEngineError(ConnectraError):
    error_code = "ELASTICSEARCH_ERROR"
    token = "ERR_ELASTICSEARCH_FAILURE"


class IndexOutdated(SearchEngineError):
    """The embedded index on disk was written by a version with another schema: rebuild it."""


class ObjectStorageError(ConnectraError):
    """The object store (local directory or S3) failed or refused a key."""


class ConfigurationError(ConnectraError):
    """A setting names something that cannot work (unknown URL scheme, missing bucket...)."""
