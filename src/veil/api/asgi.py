"""The app factory ``veil serve`` hands uvicorn (each worker process calls it once).

The workspace and TLS flag come from the environment ``veil serve`` sets for its workers
(``VEIL_SERVE_WORKSPACE``, ``VEIL_SERVE_TLS``), so ``--workers N`` processes each open the
same workspace.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from fastapi import FastAPI

from veil.api.app import create_app
from veil.api.settings import ServiceSettings
from veil.errors import ConfigError

__all__ = ["TLS_ENV", "WORKSPACE_ENV", "app"]

WORKSPACE_ENV = "VEIL_SERVE_WORKSPACE"
TLS_ENV = "VEIL_SERVE_TLS"


def app() -> FastAPI:
    root = os.environ.get(WORKSPACE_ENV)
    if not root:
        raise ConfigError(f"${WORKSPACE_ENV} is not set: start the service with `veil serve`")
    settings = ServiceSettings.load(Path(root))
    if os.environ.get(TLS_ENV) == "1":
        settings = dataclasses.replace(settings, tls=True)
    return create_app(Path(root), settings=settings)
