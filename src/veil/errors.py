"""One error hierarchy for Veil, and the one table of its codes.

Every failure a user can cause or meet surfaces as a :class:`VeilError` with a
stable ``code`` and a message that says how to fix it. Messages never contain personal
data or secrets: they name files, rows, columns, datasets and purposes, never values.

:data:`CODES` (defined in :mod:`veil.error_codes`, re-exported here) is the only place a code
gets its exit status (the CLI maps from it), its HTTP status (the API maps from it) and its
documented meaning: a subclass whose ``code`` is not in the table fails at import, and its
``exit_code`` is the table's. ``docs/errors.md`` is this table (``tests/test_errors.py`` checks
it). To add an error: one :class:`ErrorCode` row in :data:`CODES` (a new code) and one class below.

    VeilError
    ├── ConfigError              workspace missing, bad veil.toml, bad option
    │   ├── MissingDependencyError   an optional dependency is not installed
    │   └── SchemaVersionError       a store's schema is newer than this Veil
    ├── InputError               unreadable file, missing column, malformed row
    │   ├── PayloadTooLargeError     an API body or upload over the limit
    │   ├── UnsupportedSqlError      DP SQL outside the supported subset
    │   ├── UnsupportedFilterError   a WHERE clause that could raise on some value
    │   └── ProxyRefusal             a request the privacy proxy will not forward
    ├── NotFoundError            unknown subject, dataset or purpose
    ├── ConflictError            already exists, incompatible re-ingest
    │   ├── DuplicateRequestError    the subject has an open request of that type
    │   └── InvalidTransitionError   a subject request's state cannot change so
    ├── ConsentError             processing not allowed for the purpose
    │   └── ColumnNotAllowedError    a column the purpose may not use (or a sealed one)
    ├── SubjectErasedError       the subject was erased (crypto-shredded)
    ├── CryptoError              decryption failed: tampered or moved ciphertext
    │   ├── KeyProviderError     the key provider cannot give the key
    │   └── ReceiptInvalidError  a signed erasure receipt or release certificate does not verify
    ├── AuditError               the audit log failed verification
    ├── BackupError              backup file unreadable or from another workspace
    ├── BudgetExceededError      the privacy budget cannot pay for the request
    ├── FederatedError           a federated run failed
    ├── BusyError                another Veil process holds a resource; retry later
    ├── ErasurePendingError      an erasure is recorded and will complete (keys are gone)
    ├── QueryFailedError         a DP query failed after its charge (cause not reported)
    │   └── SynthesisFailedError     the same for a synthesis
    ├── AuthenticationError      an API request without valid credentials (401)
    ├── PermissionDeniedError    the role lacks the route's scope (403)
    │   └── PurposeNotGrantedError   the purpose is not granted to the caller
    ├── RateLimitedError         too many API requests; retry later (429)
    ├── JobInterruptedError      a background job's worker stopped while it ran
    └── ChargedRunError          a training run failed after its charge
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from veil.error_codes import CODES, ErrorCode, exit_code_of

__all__ = [
    "CODES",
    "AnonymityInfeasibleError",
    "AuditError",
    "AuthenticationError",
    "BackupError",
    "BudgetExceededError",
    "BusyError",
    "ChargedRunError",
    "ColumnNotAllowedError",
    "ConfigError",
    "ConflictError",
    "ConsentError",
    "CryptoError",
    "DuplicateRequestError",
    "ErasurePendingError",
    "ErrorCode",
    "FederatedError",
    "HierarchyError",
    "InputError",
    "InvalidTransitionError",
    "JobInterruptedError",
    "KeyProviderError",
    "MissingDependencyError",
    "NotFoundError",
    "NotKAnonymousError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "ProxyRefusal",
    "PurposeNotGrantedError",
    "QueryFailedError",
    "RateLimitedError",
    "ReceiptInvalidError",
    "SchemaVersionError",
    "SubjectErasedError",
    "SynthesisFailedError",
    "UnsupportedFilterError",
    "UnsupportedSqlError",
    "VeilError",
    "did_you_mean",
    "exit_code_of",
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
    """Root of every error Veil raises on purpose.

    A subclass names its ``code``; its ``exit_code`` comes from :data:`CODES` (a code not in
    the table, or an ``exit_code`` that differs from it, is refused when the class is made).
    """

    code: str = "veil_error"
    exit_code: int = 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        spec = CODES.get(cls.code)
        if spec is None:
            raise TypeError(f"{cls.__qualname__}: error code {cls.code!r} is not in veil.errors.CODES")
        if "exit_code" in cls.__dict__ and cls.__dict__["exit_code"] != spec.exit_code:
            raise TypeError(f"{cls.__qualname__}: the exit code of {cls.code!r} is set in veil.errors.CODES")
        cls.exit_code = spec.exit_code

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


class ConfigError(VeilError):
    code = "config_error"


class MissingDependencyError(ConfigError):
    """An optional dependency is not installed (same code and exit status as the CLI's own check)."""

    code = "missing_dependency"


class SchemaVersionError(ConfigError):
    """A store is at a schema revision this code does not know (a newer Veil made it); untouched."""

    code = "schema_too_new"


class InputError(VeilError):
    code = "input_error"


class UnsupportedSqlError(InputError):
    """A DP query uses SQL outside the supported subset (the message names the construct)."""

    code = "unsupported_sql"


class UnsupportedFilterError(InputError):
    """The filter uses a construct that could raise on some values (or is not DP SQL)."""

    code = "unsupported_sql"


class ProxyRefusal(InputError):
    """A request the privacy proxy will not forward; ``status`` is the HTTP status to answer with,
    ``code`` one of the proxy's codes in :data:`CODES`.

    The message names the JSON path of the offending value, never the value.
    """

    code = "invalid_request"

    def __init__(self, message: str, *, status: int, code: str = "invalid_request") -> None:
        if code not in CODES:
            raise TypeError(f"ProxyRefusal: error code {code!r} is not in veil.errors.CODES")
        super().__init__(message)
        self.status = status
        self.code = code


class HierarchyError(InputError):
    """A generalisation hierarchy does not cover a value of its column, or is malformed (the
    message names the column and the hierarchy, never the value)."""

    code = "hierarchy_not_covering"


class AnonymityInfeasibleError(InputError):
    """No recoding meets the privacy model (k, ℓ, t) within the suppression budget."""

    code = "anonymity_infeasible"


class NotFoundError(VeilError):
    code = "not_found"


class ConflictError(VeilError):
    code = "conflict"


class DuplicateRequestError(ConflictError):
    """The subject already has an open request of the same type; ``existing_id`` is its id."""

    code = "duplicate_request"

    def __init__(self, message: str, *, existing_id: str) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class InvalidTransitionError(ConflictError):
    """A subject request cannot make that state change (or extension) from where it is."""

    code = "invalid_transition"


class ConsentError(VeilError):
    code = "consent_error"


class ColumnNotAllowedError(ConsentError):
    """A column the purpose does not allow (its category), or a sealed one, was asked for.

    Raised by the release gate (``veil.vault.release.Release``) for every consumer, before
    anything runs and before any budget is charged; the message names the column, its
    category and the purpose, never a value.
    """

    code = "column_not_allowed"


class NotKAnonymousError(ConsentError):
    """A release for a purpose that requires k-anonymity is not k-anonymous over the dataset's
    quasi-identifiers (raised by the release gate; the message names columns and k, never values)."""

    code = "not_k_anonymous"


class SubjectErasedError(VeilError):
    code = "subject_erased"


class CryptoError(VeilError):
    code = "crypto_error"


class KeyProviderError(CryptoError):
    code = "key_provider_error"


class ReceiptInvalidError(CryptoError):
    """A signed erasure receipt or release certificate failed verification (altered, malformed or
    another key)."""

    code = "receipt_invalid"


class AuditError(VeilError):
    code = "audit_error"


class BackupError(VeilError):
    code = "backup_error"


class BudgetExceededError(VeilError):
    code = "budget_exceeded"


class FederatedError(VeilError):
    """A federated run failed (a site's error, a process that would not start, a timeout)."""

    code = "federated_error"


class BusyError(VeilError):
    """A resource (a database lock, the analytics mirror) is held by another process.

    Raised only where nothing was changed, so the same call can simply be retried.
    """

    code = "busy"


class ErasurePendingError(VeilError):
    """An erasure is durably recorded and its key destroyed, but some stores are not yet purged.

    The subject is already unreadable; the next Veil command (or ``veil subject erase`` again)
    completes the remaining steps.
    """

    code = "erasure_pending"


class QueryFailedError(VeilError):
    """A DP query failed after its budget was charged; the cause is not reported (it could
    depend on the data), and the charge stands."""

    code = "query_failed"


class SynthesisFailedError(QueryFailedError):
    """The synthesis failed after its budget was charged; the charge stands."""

    code = "synth_failed"


class AuthenticationError(VeilError):
    """An API request without valid credentials (HTTP 401). The message never quotes the
    credential."""

    code = "unauthenticated"


class PermissionDeniedError(VeilError):
    """The caller's role lacks the scope a route needs (HTTP 403)."""

    code = "forbidden"


class PurposeNotGrantedError(PermissionDeniedError):
    """An analyst or service named a purpose it is not granted (HTTP 403)."""

    code = "purpose_not_granted"


class RateLimitedError(VeilError):
    """Too many requests from one key or client; ``retry_after`` is in seconds (HTTP 429)."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PayloadTooLargeError(InputError):
    """A request body or upload over the service's limit (HTTP 413)."""

    code = "payload_too_large"


class JobInterruptedError(VeilError):
    """A background job's worker stopped (a restart, a kill) while it ran: what a job record
    says when a runner finds it (veil.jobs); the message says what of the work was applied."""

    code = "job_interrupted"


class ChargedRunError(VeilError):
    """A training run failed AFTER its privacy budget was charged; the charge stands.

    It is not refunded: by then training rows were read, and a refund would make the failure
    a free, data-dependent answer. The message names the error's type, never its text (which
    might quote a value).
    """

    code = "failed_after_charge"
