"""OWASP API3:2023 Broken Object Property Level Authorization (mass assignment): a field a
route does not take is refused (422), never stored."""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from tests.support.api import ApiEnv

from veil.api.app import api_routes
from veil.consent.purpose import PurposeRegistry


def test_unknown_fields_in_bodies_are_refused(api: ApiEnv) -> None:
    admin = api.clients["admin"]
    base = {"name": "billing", "basis": "contract", "retention_days": 30}
    for smuggled in (
        {"role": "admin"},
        {"budget": 1e9},
        {"status": "approved"},
        {"created_at": "1970-01-01"},
    ):
        r = admin.post("/v1/purposes", json={**base, **smuggled})
        assert r.status_code == 422, smuggled
        body = r.json()
        assert body["code"] == "input_error" and next(iter(smuggled)) in body["detail"]
    assert [p.name for p in PurposeRegistry(api.ws).list()] == ["research"]
    r = admin.post("/v1/auth/token", json={"minutes": 5, "role": "admin"})
    assert r.status_code == 422


def test_values_are_not_echoed_in_validation_errors(api: ApiEnv) -> None:
    r = api.clients["admin"].post(
        "/v1/purposes", json={"name": "jane.doe@example.org", "basis": "consent", "retention_days": 1}
    )
    assert r.status_code == 422 and "jane.doe@example.org" not in r.text


def test_every_body_model_of_the_app_forbids_unknown_fields(api: ApiEnv) -> None:
    """The contract for every router: JSON bodies are pydantic models with extra="forbid".
    (Form and file uploads get a model FastAPI generates, ``Body_<route>``, from the form
    fields the route declares: other form fields are never read.)"""
    lax = []
    for path, route in api_routes(api.app):
        if not isinstance(route, APIRoute) or route.body_field is None:
            continue
        model: Any = route.body_field.field_info.annotation
        for candidate in getattr(model, "__args__", (model,)):
            config = getattr(candidate, "model_config", None)
            generated_form = candidate.__name__.startswith("Body_")
            if config is not None and config.get("extra") != "forbid" and not generated_form:
                lax.append(f"{path}: {candidate.__name__}")
    assert not lax, f"body models that accept unknown fields: {lax}"
