"""``/v1/ingest``: upload a file of personal data and put it under Veil's control (``veil ingest``).

The file is one ``multipart/form-data`` part named ``file`` (CSV, TSV, JSON Lines or
Parquet, told by its file name's extension); the options are query parameters. The
upload is streamed straight to a file of mode 0600 in a private folder of the workspace
(``uploads/``), never held in memory, and only after the caller's scope is checked;
the app's body limit (``[service] max_upload_bytes``) stops it with a 413 part-way.
Then the same :class:`~veil.vault.ingest.Ingestor` as ``veil ingest`` runs on it (PII
scan: :meth:`~veil.pii.tables.scan.PiiColumnClassifier.for_ingest`), off the event loop,
and the file is deleted whatever happens. Classification by a schema file stays with the
CLI; a column's category is overridden with ``PUT /v1/datasets/{name}/columns/{column}/classification``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from veil.api.deps import workspace
from veil.api.security import Actor, require
from veil.errors import InputError
from veil.vault.ingest import Ingestor, IngestResult
from veil.vault.reader import FORMATS
from veil.workspace import Workspace

__all__ = ["UPLOADS", "router"]

router = APIRouter(prefix="/ingest", tags=["ingest"])

#: The workspace folder uploads wait in while they are ingested (0700; files 0600).
UPLOADS = "uploads"
_FILE_PART = "file"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class IngestParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset: str = Field(min_length=1, max_length=128, description="Dataset name (created on first ingest).")
    subject_column: str = Field(min_length=1, max_length=256, description="Column holding the subject id.")
    pii_scan: bool = Field(True, description="Classify columns with PII detection on sampled values too.")
    delimiter: str | None = Field(None, max_length=8, description="CSV delimiter (default: detected).")
    batch_rows: int = Field(10_000, ge=100, le=200_000, description="Rows per batch (memory use).")


class IngestOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset: str
    rows: int
    subjects: int
    new_subjects: int
    replaced_rows: int
    skipped_erased_rows: int
    seconds: float
    columns: list[dict[str, Any]] = Field(
        description="Each column: name, category, dtype, why (never a value)."
    )


_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [_FILE_PART],
                    "properties": {
                        _FILE_PART: {
                            "type": "string",
                            "format": "binary",
                            "description": "The file; its name's extension says the format: "
                            + ", ".join(sorted(FORMATS)),
                        }
                    },
                    "additionalProperties": False,
                }
            }
        },
    }
}


class _Upload:
    """Receives one multipart body, writing its ``file`` part to ``folder`` (mode 0600)."""

    def __init__(self, boundary: bytes, folder: Path) -> None:
        self.folder = folder
        self.path: Path | None = None
        self._out: Any = None
        self._header = b""
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def _part_begin(self) -> None:
        self._headers, self._header, self._field = {}, b"", b""

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header.lower()] = self._field
        self._header, self._field = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name != _FILE_PART or self.path is not None:
            raise InputError(
                f"send exactly one multipart part, named {_FILE_PART!r} (options go in the query)"
            )
        filename = Path(options.get(b"filename", b"").decode("utf-8", "replace")).name
        safe = _SAFE.sub("_", filename)[-100:].lstrip(".")
        if Path(safe).suffix.lower() not in FORMATS:
            raise InputError(
                f"the file's name must end with one of {', '.join(sorted(FORMATS))} (it says the format)"
            )
        self.path = self.folder / safe
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out = os.fdopen(fd, "wb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._out is not None:
            self._out.write(data[start:end])

    def _part_end(self) -> None:
        self.close()

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def _receive(request: Request, ws: Workspace) -> tuple[Path, Path]:
    """Stream the request's ``file`` part to a new private folder; (folder, file)."""
    mime, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if mime != b"multipart/form-data" or not boundary:
        raise InputError(f"send the file as multipart/form-data, in a part named {_FILE_PART!r}")
    base = ws.root / UPLOADS
    base.mkdir(mode=0o700, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=base))  # 0700
    upload = _Upload(boundary, folder)
    try:
        async for chunk in request.stream():
            upload.parser.write(chunk)
        upload.parser.finalize()
        upload.close()
        if upload.path is None:
            raise InputError(f"the request has no part named {_FILE_PART!r}")
    except BaseException:
        upload.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, upload.path


def _ingest(ws: Workspace, path: Path, params: IngestParams) -> IngestResult:
    from veil.pii.tables.scan import PiiColumnClassifier

    ingestor = Ingestor(
        ws,
        batch_rows=params.batch_rows,
        classifier=PiiColumnClassifier.for_ingest() if params.pii_scan else None,
        delimiter=params.delimiter,
    )
    return ingestor.run(path, params.dataset, params.subject_column)


@router.post(
    "",
    response_model=IngestOut,
    summary="Upload and ingest a file: seal identifiers and free text, pseudonymise, store attributes",
    openapi_extra=_UPLOAD_BODY,
)
async def ingest(
    request: Request,
    params: Annotated[IngestParams, Query()],
    actor: Annotated[Actor, Depends(require("ingest:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> IngestOut:
    folder, path = await _receive(request, ws)
    try:
        result = await run_in_threadpool(_ingest, ws, path, params)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return IngestOut.model_validate(result.to_dict())
