"""Data subject rights: access/portability, erasure, storage limitation.

Names load on first use (PEP 562): importing one module of this package does not import
the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "ErasureReport": "veil.rights.erasure",
    "ErasureResult": "veil.rights.erasure",
    "RetentionResult": "veil.rights.retention",
    "SubjectExport": "veil.rights.access",
    "enforce_retention": "veil.rights.retention",
    "erase_subject": "veil.rights.erasure",
    "export_subject": "veil.rights.access",
}

__all__ = [
    "ErasureReport",
    "ErasureResult",
    "RetentionResult",
    "SubjectExport",
    "enforce_retention",
    "erase_subject",
    "export_subject",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'veil.rights' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


if TYPE_CHECKING:
    from veil.rights.access import SubjectExport, export_subject
    from veil.rights.erasure import ErasureReport, ErasureResult, erase_subject
    from veil.rights.retention import RetentionResult, enforce_retention
