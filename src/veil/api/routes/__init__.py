"""The API's routers, mounted under ``/v1`` by :func:`veil.api.app.create_app`.

Each capability adds its module to the one import line (ruff keeps it sorted) and its router
to :data:`ROUTERS`.
"""

from __future__ import annotations

from fastapi import APIRouter

from veil.api.routes import (
    audit,
    auth,
    backups,
    breaches,
    consent,
    datasets,
    dp,
    federated,
    ingest,
    jobs,
    keys,
    models,
    pii,
    purposes,
    releases,
    reports,
    requests,
    retention,
    scoring,
    subjects,
    training,
)

__all__ = ["ROUTERS"]

ROUTERS: list[APIRouter] = [
    auth.router,
    purposes.router,
    jobs.router,
    audit.router,
    backups.router,
    consent.router,
    datasets.router,
    ingest.router,
    keys.router,
    releases.router,
    retention.router,
    subjects.router,
    requests.router,
    dp.router,
    models.router,
    pii.router,
    scoring.router,
    training.router,
    federated.router,
    breaches.router,
    reports.router,
]
