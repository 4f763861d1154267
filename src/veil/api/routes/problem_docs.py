"""The problem answers a router documents beyond the app's own (401, 403, 413, 422, 429, 500).

``APIRouter(..., responses=problems(400, 404, 409))``: each status is described by the
stable codes of :data:`veil.errors.CODES` that answer with it; the app gives every 4xx/5xx
the problem+json content (:mod:`veil.api.app`), so the OpenAPI schema names every error
shape a route can answer with.
"""

from __future__ import annotations

from typing import Any

from veil.errors import CODES

__all__ = ["problems"]


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for ``statuses``, each naming the error codes answered with it."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        codes = sorted(c.code for c in CODES.values() if c.http_status == status)
        out[status] = {"description": "Problem: " + (", ".join(codes) or "see the code")}
    return out
