"""Data subject rights: access/portability, erasure, storage limitation."""

from veil.rights.access import SubjectExport, export_subject
from veil.rights.erasure import ErasureResult, erase_subject
from veil.rights.retention import RetentionResult, enforce_retention

__all__ = [
    "ErasureResult",
    "RetentionResult",
    "SubjectExport",
    "enforce_retention",
    "erase_subject",
    "export_subject",
]
