"""A payload: a small document held in memory (text, JSON Lines or CSV), detected or masked.

What the service receives in a request body. A payload is masked by the same
:func:`~veil.pii.tables.masking.mask_table` as a file (``veil pii mask``): the same column
choice, the same operators and the same audit entry (counts by type, never values). That
function reads and writes files, so a JSON Lines or CSV payload passes through a private
temporary folder (mode 0700, files 0600) that is removed before the call returns.

A ``text`` payload is one document: its entities' offsets are into the whole text, and it
is masked whole (line by line, as a ``.txt`` file is: an entity never spans a line break).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from veil.errors import VeilError
from veil.fileio import atomic_write_bytes
from veil.pii.tables.files import TEXT_COLUMN
from veil.pii.tables.masking import MaskRun, mask_table
from veil.pii.tables.scan import detect_file

if TYPE_CHECKING:
    from collections.abc import Mapping

    from veil.pii.anonymizer import Anonymizer, Detector
    from veil.pii.entity import Entity

__all__ = ["PAYLOAD_FORMATS", "MaskedPayload", "PayloadFormat", "detect_payload", "mask_payload"]

PayloadFormat = Literal["text", "jsonl", "csv"]
PAYLOAD_FORMATS: tuple[PayloadFormat, ...] = ("text", "jsonl", "csv")
_SUFFIX: dict[PayloadFormat, str] = {"text": ".txt", "jsonl": ".jsonl", "csv": ".csv"}
#: The name the temporary file of a payload gets (it appears in the audit entry).
PAYLOAD_NAME = "payload"


@dataclass(frozen=True, slots=True)
class MaskedPayload:
    """The masked document, in the payload's format, and the run's counts (never values)."""

    content: str
    run: MaskRun

    def __repr__(self) -> str:  # the content may still hold what detection missed
        return f"MaskedPayload(<{len(self.content)} chars>, entities={self.run.entities})"

    def to_dict(self) -> dict[str, Any]:
        run = self.run.to_dict()
        for key in ("input", "output"):  # temporary paths: of no use to the caller
            run.pop(key, None)
        return {"content": self.content, **run}


@contextlib.contextmanager
def _temporary() -> Iterator[Path]:
    """A private temporary folder; errors name the payload, never the folder (a server path)."""
    with tempfile.TemporaryDirectory(prefix="veil-payload-") as folder:
        try:
            yield Path(folder)
        except VeilError as exc:
            exc.message = exc.message.replace(f"{folder}{os.sep}", "")
            exc.args = (exc.message,)
            raise


def _write(folder: Path, content: str, fmt: PayloadFormat) -> Path:
    path = folder / f"{PAYLOAD_NAME}{_SUFFIX[fmt]}"
    atomic_write_bytes(path, content.encode("utf-8"), mode=0o600)
    return path


def detect_payload(
    engine: Detector, content: str, fmt: PayloadFormat, *, text_field: str = TEXT_COLUMN
) -> list[list[Entity]]:
    """The entities of each document of the payload: one list for ``text``, one per line or row."""
    if fmt == "text":
        return engine.detect_batch([content]) if content else [[]]
    with _temporary() as folder:
        return list(detect_file(_write(folder, content, fmt), engine, text_field=text_field))


def mask_payload(
    anonymizer: Anonymizer,
    content: str,
    fmt: PayloadFormat,
    *,
    columns: Sequence[str] | None = None,
    text_field: str | None = None,
    per_column: Mapping[str, str] | None = None,
) -> MaskedPayload:
    """Mask the payload with :func:`mask_table` (audit-logged when the anonymizer has a workspace)."""
    with _temporary() as folder:
        path = _write(folder, content, fmt)
        out = path.with_name(f"{PAYLOAD_NAME}-masked{_SUFFIX[fmt]}")
        run = mask_table(path, out, anonymizer, columns=columns, text_field=text_field, per_column=per_column)
        return MaskedPayload(out.read_text(encoding="utf-8"), run)
