"""One portal page: :func:`veil.web.deps.render` with a status code and extra headers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from veil.web.deps import render

__all__ = ["page"]


def page(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> Response:
    """``template`` rendered for ``request`` with the page headers (CSP, ``no-store``) and ``headers``."""
    response = render(request, template, status_code=status_code, **context)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
