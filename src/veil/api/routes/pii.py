"""``/v1/pii``: find and mask personal data in a small document sent in the request (``pii:detect``).

The document is text (one document), JSON Lines or CSV, at most :data:`MAX_CHARS` characters;
it is never stored and never logged. Detection and masking are the library's
(:mod:`veil.pii.payload`, the same :func:`~veil.pii.tables.masking.mask_table` as
``veil pii mask``; a mask is audit-logged with counts by type, never values). The PII engine
(with the workspace's ``[pii]`` settings) is made on the first request and kept by the app;
the handlers are plain functions, so detection runs in the server's thread pool, off the
event loop.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.pii.payload import PayloadFormat, detect_payload, mask_payload
from veil.workspace import Workspace

if TYPE_CHECKING:
    from veil.pii.entity import Entity

__all__ = ["MAX_CHARS", "router"]

router = APIRouter(prefix="/pii", tags=["pii"], responses=problems(400, 503))

#: The most characters a document sent to /v1/pii may hold (larger ones: `veil pii` on a file).
MAX_CHARS = 1_000_000
_ENGINE_KEY = "veil_pii_engine"
_engine_lock = threading.Lock()


class SharedEngine:
    """The app's one PII engine: made on first use, one detection at a time (the model is not shared)."""

    def __init__(self, ws: Workspace) -> None:
        from veil.pii import PiiConfig, PiiEngine  # spaCy and the recognizers: on the first PII request

        self._engine = PiiEngine(PiiConfig.for_workspace(ws.root), processes=1)
        self._lock = threading.Lock()

    def detect_batch(self, texts: list[str]) -> list[list[Entity]]:
        with self._lock:
            return self._engine.detect_batch(texts)


def pii_engine(request: Request, ws: Annotated[Workspace, Depends(workspace)]) -> SharedEngine:
    """The app's PII engine (made once, on the first request that needs it)."""
    state = request.app.state
    engine: SharedEngine | None = getattr(state, _ENGINE_KEY, None)
    if engine is None:
        with _engine_lock:
            engine = getattr(state, _ENGINE_KEY, None)
            if engine is None:
                engine = SharedEngine(ws)
                setattr(state, _ENGINE_KEY, engine)
    return engine


class DetectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(max_length=MAX_CHARS, description="The document (never stored or logged).")
    format: PayloadFormat = Field("text", description="text: one document; jsonl, csv: one per line/row.")
    text_field: str = Field("text", max_length=256, description="JSON Lines field or CSV column to read.")


class EntityOut(BaseModel):
    start: int = Field(description="Character offset into the document.")
    end: int
    type: str
    score: float


class DetectResponse(BaseModel):
    documents: list[list[EntityOut]] = Field(description="Entities of each document, in order.")


class MaskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(max_length=MAX_CHARS, description="The document (never stored or logged).")
    format: PayloadFormat = "text"
    operator: str = Field(
        "replace", description="For every type: redact, replace, mask, hash, pseudonym, surrogate, encrypt."
    )
    per_type: dict[str, str] = Field(default_factory=dict, description="TYPE -> operator.")
    per_column: dict[str, str] = Field(default_factory=dict, description="CSV column -> operator.")
    columns: list[str] | None = Field(None, description="Columns to mask (default: identifiers, free text).")
    text_field: str | None = Field(None, max_length=256, description="JSON Lines field or free-text column.")


class ColumnOut(BaseModel):
    name: str
    mode: str
    entity_type: str | None
    operator: str | None


class MaskResponse(BaseModel):
    content: str = Field(description="The masked document, in the format sent.")
    kind: str
    rows: int
    columns: list[ColumnOut]
    entities: int
    by_type: dict[str, int]
    by_operator: dict[str, int]
    seconds: float
    audit_seq: int | None


def _entity(e: Entity) -> dict[str, Any]:
    return {"start": e.start, "end": e.end, "type": str(e.type), "score": round(e.score, 4)}


@router.post("/detect", summary="Find personal data in a document")
def detect(
    body: DetectRequest,
    actor: Annotated[Actor, Depends(require("pii:detect"))],
    engine: Annotated[SharedEngine, Depends(pii_engine)],
) -> DetectResponse:
    found = detect_payload(engine, body.content, body.format, text_field=body.text_field)
    return DetectResponse.model_validate({"documents": [[_entity(e) for e in doc] for doc in found]})


@router.post("/mask", summary="Mask personal data in a document (audit-logged: counts by type)")
def mask(
    body: MaskRequest,
    actor: Annotated[Actor, Depends(require("pii:detect"))],
    ws: Annotated[Workspace, Depends(workspace)],
    engine: Annotated[SharedEngine, Depends(pii_engine)],
) -> MaskResponse:
    from veil.pii.anonymizer import Anonymizer

    anonymizer = Anonymizer(ws, engine, default=body.operator, per_type=body.per_type)
    masked = mask_payload(
        anonymizer,
        body.content,
        body.format,
        columns=body.columns,
        text_field=body.text_field,
        per_column=body.per_column,
    )
    return MaskResponse.model_validate(masked.to_dict())
