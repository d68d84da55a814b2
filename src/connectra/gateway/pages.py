"""The page object of list responses and its ``next``/``previous`` links (CONTRACT.md §g.5).

Two modes. Page mode (the request has ``page``): Connectra's own page/limit, ``next`` = page+1
when the page is full, ``previous`` = page-1. Cursor mode (otherwise): an opaque ``cursor``
holding the offset and, for forward links, Connectra's keyset cursor of the last item, so a
client can walk any number of pages; ``previous`` goes back by offset, which Connectra can
serve through its page window (10 pages).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.datastructures import URL

from connectra.gateway.errors import InvalidCursor

MAX_PAGE = 10  # Connectra's page cap (CONTRACT.md §c.4)


@dataclass(frozen=True, slots=True)
class Position:
    """Where a cursor-mode page starts: ``offset`` records in, after Connectra's ``after``."""

    offset: int = 0
    after: tuple[str, ...] | None = None

    def encode(self) -> str:
        body: dict[str, Any] = {"o": self.offset}
        if self.after is not None:
            body["a"] = list(self.after)
        return base64.urlsafe_b64encode(orjson.dumps(body)).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str | None) -> Position:
        if not token:
            return cls()
        try:
            body = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            offset, after = body["o"], body.get("a")
            valid = isinstance(offset, int) and offset >= 0
            if not valid or not (after is None or all(isinstance(v, str) for v in after)):
                raise TypeError
        except (ValueError, TypeError, KeyError) as exc:
            raise InvalidCursor("cursor is not one this API issued", path="cursor") from exc
        return cls(offset, None if after is None else tuple(after))

    def vql(self, limit: int) -> dict[str, Any]:
        """The paging keys of the Connectra request for this position."""
        if self.after is not None:
            return {"cursor": list(self.after), "limit": limit}
        page, rest = divmod(self.offset, limit)
        if rest or page >= MAX_PAGE:
            raise InvalidCursor(
                f"offset {self.offset} is not reachable with limit {limit}", path="cursor"
            )
        return {"page": page + 1, "limit": limit}


@dataclass(frozen=True, slots=True)
class Paging:
    """The paging of one list request: ``page`` set = page mode, else cursor mode."""

    limit: int
    page: int | None = None
    position: Position = Position()

    def vql(self) -> dict[str, Any]:
        if self.page is not None:
            return {"page": self.page, "limit": self.limit}
        return self.position.vql(self.limit)

    def links(self, url: URL, raw: Sequence[dict[str, Any]]) -> tuple[str | None, str | None]:
        """``(next, previous)`` for a page of Connectra records ``raw`` fetched at ``url``."""
        full = len(raw) == self.limit
        if self.page is not None:
            forward = url.include_query_params(page=self.page + 1) if full else None
            back = url.include_query_params(page=self.page - 1) if self.page > 1 else None
            return _text(forward), _text(back)
        return self._cursor_links(url, raw, full)

    def _cursor_links(
        self, url: URL, raw: Sequence[dict[str, Any]], full: bool
    ) -> tuple[str | None, str | None]:
        offset = self.position.offset
        forward = None
        if full:
            last = raw[-1].get("cursor")
            after = tuple(str(v) for v in last) if last else None
            forward = _with_cursor(url, Position(offset + len(raw), after))
        back = None
        if offset > 0:
            start = max(0, offset - self.limit)
            if start % self.limit == 0 and start // self.limit < MAX_PAGE:
                back = _with_cursor(url, Position(start))
        return _text(forward), _text(back)


def _with_cursor(url: URL, position: Position) -> URL:
    if position.offset == 0 and position.after is None:
        return url.remove_query_params("cursor")
    return url.include_query_params(cursor=position.encode())


def _text(url: URL | None) -> str | None:
    return None if url is None else str(url)


def page_body(items: list[dict[str, Any]], links: tuple[str | None, str | None]) -> dict[str, Any]:
    """``{data, success, next, previous}``."""
    return {"data": items, "success": True, "next": links[0], "previous": links[1]}
