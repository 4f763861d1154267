"""Veil: privacy by design, as working software.

Personal data enters Veil once (:class:`Workspace`, :class:`Ingestor`); every later use is
a :class:`Release` for a purpose that is consent-checked, minimised and audit-logged: a DP
query (:class:`DpQuery` → :class:`DpResult`), a synthetic copy (:class:`Synthesizer`), a
DP-SGD model (:class:`Trainer`). Text is scanned and masked by :class:`PiiEngine` and
:class:`Anonymizer`; subjects' rights are served by :func:`export_subject`,
:func:`erase_subject` (crypto-shredding) and :func:`enforce_retention`.

Names load on first use (PEP 562), so ``import veil`` stays cheap: ``veil.DpQuery`` imports
the DP engine, ``veil.Trainer`` PyTorch, and nothing else does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the module that defines it (imported on first access).
_EXPORTS: dict[str, str] = {
    "Anonymizer": "veil.pii.anonymizer",
    "AuditEntry": "veil.audit.log",
    "AuditLog": "veil.audit.log",
    "BudgetLedger": "veil.dp.budget",
    "ColumnCategory": "veil.vault.category",
    "ConsentAction": "veil.consent.ledger",
    "ConsentLedger": "veil.consent.ledger",
    "DatasetCatalog": "veil.vault.dataset",
    "DpQuery": "veil.dp.query",
    "DpResult": "veil.dp.query",
    "Entity": "veil.pii.entity",
    "ErasureReport": "veil.rights.erasure",
    "Ingestor": "veil.vault.ingest",
    "LawfulBasis": "veil.consent.purpose",
    "PiiEngine": "veil.pii.engine",
    "Purpose": "veil.consent.purpose",
    "PurposeRegistry": "veil.consent.purpose",
    "Release": "veil.vault.release",
    "Releaser": "veil.vault.extract",
    "SchemaFile": "veil.vault.schema_file",
    "Synthesizer": "veil.dp.synthesis",
    "TrainSettings": "veil.ml.settings",
    "Trainer": "veil.ml.trainer",
    "VeilError": "veil.errors",
    "VerifyResult": "veil.audit.log",
    "Workspace": "veil.workspace",
    "create_backup": "veil.vault.backup",
    "enforce_retention": "veil.rights.retention",
    "erase_subject": "veil.rights.erasure",
    "export_subject": "veil.rights.access",
    "restore_backup": "veil.vault.backup",
}

#: the names above, and the version (a test checks they agree)
__all__ = [
    "Anonymizer",
    "AuditEntry",
    "AuditLog",
    "BudgetLedger",
    "ColumnCategory",
    "ConsentAction",
    "ConsentLedger",
    "DatasetCatalog",
    "DpQuery",
    "DpResult",
    "Entity",
    "ErasureReport",
    "Ingestor",
    "LawfulBasis",
    "PiiEngine",
    "Purpose",
    "PurposeRegistry",
    "Release",
    "Releaser",
    "SchemaFile",
    "Synthesizer",
    "TrainSettings",
    "Trainer",
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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'veil' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


if TYPE_CHECKING:
    from veil.audit.log import AuditEntry, AuditLog, VerifyResult
    from veil.consent.ledger import ConsentAction, ConsentLedger
    from veil.consent.purpose import LawfulBasis, Purpose, PurposeRegistry
    from veil.dp.budget import BudgetLedger
    from veil.dp.query import DpQuery, DpResult
    from veil.dp.synthesis import Synthesizer
    from veil.errors import VeilError
    from veil.ml.settings import TrainSettings
    from veil.ml.trainer import Trainer
    from veil.pii.anonymizer import Anonymizer
    from veil.pii.engine import PiiEngine
    from veil.pii.entity import Entity
    from veil.rights.access import export_subject
    from veil.rights.erasure import ErasureReport, erase_subject
    from veil.rights.retention import enforce_retention
    from veil.vault.backup import create_backup, restore_backup
    from veil.vault.category import ColumnCategory
    from veil.vault.dataset import DatasetCatalog
    from veil.vault.extract import Releaser
    from veil.vault.ingest import Ingestor
    from veil.vault.release import Release
    from veil.vault.schema_file import SchemaFile
    from veil.workspace import Workspace
