"""Ingest streams: Python memory does not grow with the number of rows."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from veil.demo.hospital import write_csv
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def _peak_bytes(tmp_path: Path, rows: int) -> int:
    src = write_csv(tmp_path / f"p{rows}.csv", rows)
    ws = Workspace.init(tmp_path / f"ws{rows}")
    try:
        tracemalloc.start()
        try:
            result = Ingestor(ws, batch_rows=500).run(src, "patients", "patient_id")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    finally:
        ws.close()
    assert result.rows == rows
    return peak


@pytest.mark.slow
def test_peak_memory_is_flat_in_rows(tmp_path: Path) -> None:
    # Both files span several 1 MiB read blocks (~4,300 rows each), so the peak is set by
    # the block and batch sizes; a reader or ingest that accumulated rows would grow 4x.
    small = _peak_bytes(tmp_path, 10_000)
    large = _peak_bytes(tmp_path, 40_000)
    assert large < small * 1.5, (small, large)
