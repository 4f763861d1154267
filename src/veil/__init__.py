"""Veil: privacy by design, as working software.

Personal data enters Veil once (``Workspace`` + ``Ingestor``); every later use is
a release for a purpose (``Releaser``) that is consent-checked, minimised and
audit-logged; subjects' rights are served by ``export_subject`` and
``erase_subject`` (crypto-shredding).
"""

from veil.audit import AuditEntry, AuditLog, VerifyResult
from veil.consent import ConsentAction, ConsentLedger, LawfulBasis, Purpose, PurposeRegistry
from veil.errors import VeilError
from veil.rights import enforce_retention, erase_subject, export_subject
from veil.vault import (
    ColumnCategory,
    DatasetCatalog,
    Ingestor,
    Releaser,
    SchemaFile,
    create_backup,
    restore_backup,
)
from veil.workspace import Workspace

__version__ = "0.1.0"

__all__ = [
    "AuditEntry",
    "AuditLog",
    "ColumnCategory",
    "ConsentAction",
    "ConsentLedger",
    "DatasetCatalog",
    "Ingestor",
    "LawfulBasis",
    "Purpose",
    "PurposeRegistry",
    "Releaser",
    "SchemaFile",
    "VeilError",
    "VerifyResult",
    "Workspace",
    "__version__",
    "create_backup",
    "enforce_retention",
    "erase_subject",
    "export_subject",
    "restore_backup",
]
