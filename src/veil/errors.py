"""One error hierarchy for Veil.

Every failure a user can cause or meet surfaces as a :class:`VeilError` with a
stable ``code`` (used by the CLI for exit codes and by the API for problem JSON)
and a message that says how to fix it. Messages never contain personal data or
secrets: they name files, rows, columns, datasets and purposes, never values.

    VeilError
    ├── ConfigError              workspace missing, bad veil.toml, bad option
    ├── InputError               unreadable file, missing column, malformed row
    ├── NotFoundError            unknown subject, dataset or purpose
    ├── ConflictError            already exists, incompatible re-ingest
    ├── ConsentError             processing not allowed for the purpose
    ├── SubjectErasedError       the subject was erased (crypto-shredded)
    ├── CryptoError              decryption failed: tampered or moved ciphertext
    │   └── KeyProviderError     the key provider cannot give the key
    ├── AuditError               the audit log failed verification
    ├── BackupError              backup file unreadable or from another workspace
    ├── BusyError                another Veil process holds a resource; retry later
    └── ErasurePendingError      an erasure is recorded and will complete (keys are gone)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "AuditError",
    "BackupError",
    "BusyError",
    "ConfigError",
    "ConflictError",
    "ConsentError",
    "CryptoError",
    "ErasurePendingError",
    "InputError",
    "KeyProviderError",
    "NotFoundError",
    "SubjectErasedError",
    "VeilError",
    "did_you_mean",
]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``" Did you mean 'x'?"`` for the known names closest to ``name`` (case-insensitive), or ``""``.

    For names of datasets, purposes, models and the like: never pass personal data (subject ids,
    values), which an error message must not contain.
    """
    by_folded: dict[str, str] = {}
    for k in known:
        by_folded.setdefault(k.casefold(), k)
    close = difflib.get_close_matches(name.casefold(), list(by_folded), n=3, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(by_folded[c]) for c in close) + "?"


class VeilError(Exception):
    """Root of every error Veil raises on purpose."""

    code: str = "veil_error"
    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


class ConfigError(VeilError):
    code = "config_error"
    exit_code = 2


class InputError(VeilError):
    code = "input_error"
    exit_code = 3


class NotFoundError(VeilError):
    code = "not_found"
    exit_code = 4


class ConflictError(VeilError):
    code = "conflict"
    exit_code = 5


class ConsentError(VeilError):
    code = "consent_error"
    exit_code = 6


class SubjectErasedError(VeilError):
    code = "subject_erased"
    exit_code = 7


class CryptoError(VeilError):
    code = "crypto_error"
    exit_code = 8


class KeyProviderError(CryptoError):
    code = "key_provider_error"


class AuditError(VeilError):
    code = "audit_error"
    exit_code = 9


class BackupError(VeilError):
    code = "backup_error"
    exit_code = 10


class BusyError(VeilError):
    """A resource (a database lock, the analytics mirror) is held by another process.

    Raised only where nothing was changed, so the same call can simply be retried.
    """

    code = "busy"
    exit_code = 14


class ErasurePendingError(VeilError):
    """An erasure is durably recorded and its key destroyed, but some stores are not yet purged.

    The subject is already unreadable; the next Veil command (or ``veil subject erase`` again)
    completes the remaining steps.
    """

    code = "erasure_pending"
    exit_code = 15
