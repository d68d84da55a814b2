"""The ``record_id`` path convertor: ``/<plural>/{uuid:record_id}`` never takes a literal
sub-path of the entity for a uuid, so ``GET /contacts/count`` is a 405 (count is POST only)
rather than an invalid uuid (CONTRACT.md §d.1: literal sub-paths win)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path
from starlette.convertors import Convertor, register_url_convertor

LITERAL_SEGMENTS = ("count", "create", "upsert", "bulk", "batch-upsert", "filters")


class RecordIdConvertor(Convertor[str]):
    regex = "(?!(?:" + "|".join(re.escape(s) for s in LITERAL_SEGMENTS) + ")$)[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("record_id", RecordIdConvertor())
RECORD_PATH = "/{uuid:record_id}"
# A uuid in the path, declared as such in the OpenAPI document (the route parses it, so a
# malformed one is the contract's 400 rather than FastAPI's 422).
UUIDPath = Annotated[str, Path(json_schema_extra={"format": "uuid"})]
