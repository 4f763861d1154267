"""Dependencies routes share: the app's workspace, pagination parameters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Query, Request

from veil.workspace import Workspace

__all__ = ["MAX_LIMIT", "Page", "page", "paginate", "workspace"]

T = TypeVar("T")

#: The most items one page of a list holds.
MAX_LIMIT = 500


def workspace(request: Request) -> Workspace:
    """The app's open workspace (routes use it; they never open their own)."""
    ws: Workspace = request.app.state.workspace
    return ws


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    cursor: str | None


def page(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (at most 500).")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=256, description="The `next_cursor` of the previous page.")
    ] = None,
) -> Page:
    """``?limit=&cursor=`` of a list route (a limit over 500 is a 422)."""
    return Page(limit, cursor)


def paginate(items: Sequence[T], key: Callable[[T], str], at: Page) -> tuple[list[T], str | None]:
    """One page of ``items`` (sorted by ``key``, which is unique) after ``at.cursor``, and the
    cursor of the next page (None on the last)."""
    rest = [i for i in items if at.cursor is None or key(i) > at.cursor]
    chunk = rest[: at.limit]
    return chunk, (key(chunk[-1]) if len(rest) > at.limit else None)
