"""``/v1/ingest``: upload a file of personal data and put it under Veil's control (``veil ingest``).

The file is one ``multipart/form-data`` part named ``file`` (CSV, TSV, JSON Lines or
Parquet, told by its file name's extension); the options are query parameters. The
upload is streamed straight into a new file of the job spool (:meth:`JobQueue.spool
<veil.jobs.JobQueue.spool>`: mode 0600 in ``<workspace>/jobs``, 0700), never held in
memory, and only after the caller's scope is checked; the app's body limit (``[service]
max_upload_bytes``) stops it with a 413 part-way (the partial file is deleted). The answer
is 202 with an ``ingest`` job (:mod:`veil.jobs.kinds.ingest`: the same
:func:`~veil.jobs.kinds.ingest.ingest_file` as ``veil ingest``, one transaction), which owns
the file and deletes it when it ends; follow it at ``GET /v1/jobs/{id}``. Classification
by a schema file stays with the CLI; a column's category is overridden with ``PUT
/v1/datasets/{name}/columns/{column}/classification``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from veil.api.deps import workspace
from veil.api.routes.jobs import JobOut
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.errors import InputError
from veil.jobs import JobQueue
from veil.vault.reader import FORMATS
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/ingest", tags=["ingest"], responses=problems(400, 503))

_FILE_PART = "file"


class IngestParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset: str = Field(min_length=1, max_length=128, description="Dataset name (created on first ingest).")
    subject_column: str = Field(min_length=1, max_length=256, description="Column holding the subject id.")
    pii_scan: bool = Field(True, description="Classify columns with PII detection on sampled values too.")
    delimiter: str | None = Field(None, max_length=8, description="CSV delimiter (default: detected).")
    batch_rows: int = Field(10_000, ge=100, le=200_000, description="Rows per batch (memory use).")


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
    """Receives one multipart body, writing its ``file`` part to a file ``make(suffix)`` gives."""

    def __init__(self, boundary: bytes, make: Callable[[str], Path]) -> None:
        self.make = make
        self.path: Path | None = None
        self._out: Any = None
        self._header = b""
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self.complete = False  # the closing boundary was seen (a truncated body never is)
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
                "on_end": self._end,
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
        suffix = Path(filename).suffix.lower()
        if suffix not in FORMATS:
            raise InputError(
                f"the file's name must end with one of {', '.join(sorted(FORMATS))} (it says the format)"
            )
        self.path = self.make(suffix)  # an empty 0600 file
        self._out = self.path.open("wb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._out is not None:
            self._out.write(data[start:end])

    def _part_end(self) -> None:
        self.close()

    def _end(self) -> None:
        self.complete = True

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def _receive(request: Request, queue: JobQueue) -> Path:
    """Stream the request's ``file`` part into a new spool file (deleted again on any error)."""
    mime, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if mime != b"multipart/form-data" or not boundary:
        raise InputError(f"send the file as multipart/form-data, in a part named {_FILE_PART!r}")
    upload = _Upload(boundary, queue.spool)
    try:
        try:
            async for chunk in request.stream():
                upload.parser.write(chunk)
            upload.parser.finalize()
        except MultipartParseError:
            raise InputError("the multipart body is malformed (boundary or part headers)") from None
        upload.close()
        if upload.path is None:
            raise InputError(f"the request has no part named {_FILE_PART!r}")
        if not upload.complete:
            raise InputError("the multipart body ended before its closing boundary (a truncated upload)")
    except BaseException:
        upload.close()
        if upload.path is not None:
            upload.path.unlink(missing_ok=True)
        raise
    return upload.path


def _submit(queue: JobQueue, path: Path, params: IngestParams, actor: Actor) -> JobOut:
    try:
        record = queue.submit(
            "ingest",
            {"file": str(path), **params.model_dump(exclude_none=True)},
            actor.label,
            owned_file=path,
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return JobOut.of(record)


@router.post(
    "",
    response_model=JobOut,
    status_code=202,
    summary="Upload a file to ingest: an ingest job (seal identifiers and free text, pseudonymise, store)",
    openapi_extra=_UPLOAD_BODY,
)
async def ingest(
    request: Request,
    params: Annotated[IngestParams, Query()],
    actor: Annotated[Actor, Depends(require("ingest:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> JobOut:
    queue = JobQueue(ws)
    path = await _receive(request, queue)
    return await run_in_threadpool(_submit, queue, path, params, actor)
