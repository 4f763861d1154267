"""The vault: subjects, datasets, ingest, releases and backups.

Names load on first use (PEP 562): ``veil.vault.dataset`` does not import ingest, backups or
PyArrow with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "BackupResult": "veil.vault.backup",
    "Column": "veil.vault.dataset",
    "ColumnCategory": "veil.vault.category",
    "ColumnClass": "veil.vault.category",
    "DType": "veil.vault.dataset",
    "Dataset": "veil.vault.dataset",
    "DatasetCatalog": "veil.vault.dataset",
    "IngestResult": "veil.vault.ingest",
    "Ingestor": "veil.vault.ingest",
    "Release": "veil.vault.release",
    "ReleaseResult": "veil.vault.extract",
    "Releaser": "veil.vault.extract",
    "RestoreResult": "veil.vault.backup",
    "SchemaFile": "veil.vault.schema_file",
    "SubjectVault": "veil.vault.subject",
    "classify_column": "veil.vault.classify",
    "create_backup": "veil.vault.backup",
    "restore_backup": "veil.vault.backup",
}

__all__ = [
    "BackupResult",
    "Column",
    "ColumnCategory",
    "ColumnClass",
    "DType",
    "Dataset",
    "DatasetCatalog",
    "IngestResult",
    "Ingestor",
    "Release",
    "ReleaseResult",
    "Releaser",
    "RestoreResult",
    "SchemaFile",
    "SubjectVault",
    "classify_column",
    "create_backup",
    "restore_backup",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'veil.vault' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


if TYPE_CHECKING:
    from veil.vault.backup import BackupResult, RestoreResult, create_backup, restore_backup
    from veil.vault.category import ColumnCategory, ColumnClass
    from veil.vault.classify import classify_column
    from veil.vault.dataset import Column, Dataset, DatasetCatalog, DType
    from veil.vault.extract import Releaser, ReleaseResult
    from veil.vault.ingest import Ingestor, IngestResult
    from veil.vault.release import Release
    from veil.vault.schema_file import SchemaFile
    from veil.vault.subject import SubjectVault
