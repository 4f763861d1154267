"""The vault: subjects, datasets, ingest, releases and backups."""

from veil.vault.backup import BackupResult, RestoreResult, create_backup, restore_backup
from veil.vault.category import ColumnCategory, ColumnClass
from veil.vault.classify import classify_column
from veil.vault.dataset import Column, Dataset, DatasetCatalog, DType
from veil.vault.ingest import Ingestor, IngestResult
from veil.vault.release import Releaser, ReleaseResult
from veil.vault.schema_file import SchemaFile
from veil.vault.subject import SubjectVault

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
    "ReleaseResult",
    "Releaser",
    "RestoreResult",
    "SchemaFile",
    "SubjectVault",
    "classify_column",
    "create_backup",
    "restore_backup",
]
