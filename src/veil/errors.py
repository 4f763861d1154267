"""One error hierarchy for Veil, and the one table of its codes.

Every failure a user can cause or meet surfaces as a :class:`VeilError` with a
stable ``code`` and a message that says how to fix it. Messages never contain personal
data or secrets: they name files, rows, columns, datasets and purposes, never values.

:data:`CODES` is the only place a code gets its exit status (the CLI maps from it), its HTTP
status (the API maps from it) and its documented meaning: a subclass whose ``code`` is not in
the table fails at import, and its ``exit_code`` is the table's. ``docs/errors.md`` is this table
(``tests/test_errors.py`` checks it). To add an error: one :class:`ErrorCode` row in
:data:`CODES` (a new code) and one class below.

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
    │   └── ReceiptInvalidError  a signed erasure receipt does not verify
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
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CODES",
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
    "InputError",
    "InvalidTransitionError",
    "JobInterruptedError",
    "KeyProviderError",
    "MissingDependencyError",
    "NotFoundError",
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


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """One stable error code: its exit status, what it means and what to do about it."""

    code: str
    exit_code: int
    meaning: str
    action: str
    #: the HTTP status the API answers it with (RFC 9457 problem JSON, see veil.api.problems)
    http_status: int


#: Every code Veil reports, in the order docs/errors.md lists them. Codes without a class
#: (``database_error``, ``internal_error``) are reported by the CLI for failures that are
#: not VeilErrors.
CODES: dict[str, ErrorCode] = {
    e.code: e
    for e in (
        ErrorCode(
            "veil_error", 1, "a Veil error without a more specific code", "read the message", http_status=400
        ),
        ErrorCode(
            "cancelled",
            1,
            "a confirmation was declined (erase, restore), or a job was cancelled: nothing was changed",
            "run the command again and confirm, or pass --yes",
            http_status=409,
        ),
        ErrorCode(
            "config_error",
            2,
            "no workspace, a bad veil.toml, or a bad option or option value",
            "fix the option or the settings the message names; `veil init` creates a workspace",
            http_status=400,
        ),
        ErrorCode(
            "missing_dependency",
            2,
            "the command needs an optional dependency that is not installed",
            "install the extra the message names, e.g. pip install 'veil[ml]'",
            http_status=501,
        ),
        ErrorCode(
            "schema_too_new",
            2,
            "the workspace's data store or key store was made or upgraded by a newer Veil; "
            "nothing was changed",
            "open the workspace with that Veil version or a newer one (`veil workspace status` shows "
            "the revisions)",
            http_status=503,
        ),
        ErrorCode(
            "input_error",
            3,
            "an input file, column, row or argument cannot be used",
            "fix the input the message names (file, row, column)",
            http_status=400,
        ),
        ErrorCode(
            "unsupported_sql",
            3,
            "a DP query uses SQL outside the supported subset, or a filter that could fail on some value",
            "rewrite the construct the message names (docs: Differentially private analytics)",
            http_status=400,
        ),
        ErrorCode(
            "invalid_request",
            3,
            "the privacy proxy refused a request that is not valid JSON chat completions (HTTP 400)",
            "send a request in the OpenAI chat-completions format",
            http_status=400,
        ),
        ErrorCode(
            "unknown_field",
            3,
            "the privacy proxy refused a request with a field it does not know (HTTP 400)",
            "remove the field, or start the proxy with --unknown-fields mask",
            http_status=400,
        ),
        ErrorCode(
            "uninspectable_content",
            3,
            "the privacy proxy refused media or encoded data it cannot inspect for personal data (HTTP 422)",
            "send text, or start the proxy with --media forward to accept the risk",
            http_status=422,
        ),
        ErrorCode(
            "not_found",
            4,
            "no such subject, dataset, purpose, model or table",
            "check the name (the message suggests close ones); list them with the matching `list` command",
            http_status=404,
        ),
        ErrorCode(
            "conflict",
            5,
            "it exists already, or it contradicts what is stored",
            "use another name, or remove or update the existing one first",
            http_status=409,
        ),
        ErrorCode(
            "duplicate_request",
            5,
            "the subject already has an open request of this type (the message names its id)",
            "follow up the open request, or close it (fulfil, deny) before making another",
            http_status=409,
        ),
        ErrorCode(
            "invalid_transition",
            5,
            "a subject request cannot move to that state from its state (or be extended now)",
            "see the allowed transitions in the message; `veil request show ID` shows the state",
            http_status=409,
        ),
        ErrorCode(
            "consent_error",
            6,
            "the purpose does not allow this processing (consent, lawful basis)",
            "use a purpose that allows it, or record the consent it needs",
            http_status=403,
        ),
        ErrorCode(
            "column_not_allowed",
            6,
            "a column the purpose's categories do not allow, or a sealed one, was asked for",
            "leave the column out, or use a purpose whose categories include the column's category",
            http_status=403,
        ),
        ErrorCode(
            "subject_erased",
            7,
            "the subject was erased (their key is destroyed)",
            "nothing to do: their data is gone for good",
            http_status=410,
        ),
        ErrorCode(
            "crypto_error",
            8,
            "a ciphertext does not decrypt: tampered with, moved, or under another key",
            "restore the data from a backup; check the key provider's settings",
            http_status=500,
        ),
        ErrorCode(
            "key_provider_error",
            8,
            "the key provider cannot give the key-encryption key",
            "check the key file, $VEIL_KEK or the KMS the workspace's veil.toml names",
            http_status=503,
        ),
        ErrorCode(
            "receipt_invalid",
            8,
            "a signed erasure receipt does not verify: altered, malformed, or signed by another key",
            "get the receipt again from the workspace; check the public key (`veil receipt public-key`)",
            http_status=422,
        ),
        ErrorCode(
            "audit_error",
            9,
            "the audit log failed verification (an entry was edited, deleted or reordered)",
            "treat it as an incident: compare with a backup; `veil audit verify` names the first bad entry",
            http_status=500,
        ),
        ErrorCode(
            "backup_error",
            10,
            "a backup file is unreadable, tampered with, or from another workspace",
            "use a backup made by `veil backup create` of this workspace",
            http_status=400,
        ),
        ErrorCode(
            "database_error",
            11,
            "the data store reported an error (locked, unreachable, full)",
            "check the database URL and the server; retry when the database is reachable",
            http_status=503,
        ),
        ErrorCode(
            "budget_exceeded",
            12,
            "the dataset's privacy budget cannot pay for the request (nothing was charged)",
            "ask for less epsilon/delta, or raise the budget (`veil budget set`)",
            http_status=403,
        ),
        ErrorCode(
            "federated_error",
            13,
            "a federated run failed (a site's error, a process that would not start, a timeout)",
            "read the message; check the sites' data and the ports on loopback",
            http_status=502,
        ),
        ErrorCode(
            "busy",
            14,
            "another Veil process holds a lock or the analytics mirror; nothing was changed",
            "retry when the other command has finished",
            http_status=503,
        ),
        ErrorCode(
            "erasure_pending",
            15,
            "the erasure is recorded and the keys are destroyed, but a store was busy",
            "nothing is readable any more; the next Veil command (or the erasure again) finishes it",
            http_status=503,
        ),
        ErrorCode(
            "query_failed",
            16,
            "a DP query failed after its budget was charged; the cause is not reported "
            "(it could depend on the data)",
            "the charge stands; if it repeats, ask the workspace administrator to check the engine",
            http_status=500,
        ),
        ErrorCode(
            "synth_failed",
            16,
            "a synthesis failed after its budget was charged; the charge stands",
            "read the message; raise epsilon/delta or declare the categories",
            http_status=500,
        ),
        ErrorCode(
            "unauthenticated",
            17,
            "the API request carries no valid credentials (missing, expired, revoked or forged)",
            "send a valid API key or token in the Authorization header (docs/api.md)",
            http_status=401,
        ),
        ErrorCode(
            "forbidden",
            17,
            "the caller's role does not hold the scope the API route needs",
            "use a key or token of a role that holds the scope (docs/api.md lists them)",
            http_status=403,
        ),
        ErrorCode(
            "purpose_not_granted",
            17,
            "the caller is not granted the purpose the request names",
            "ask an administrator to grant the purpose to your key or user",
            http_status=403,
        ),
        ErrorCode(
            "rate_limited",
            14,
            "too many API requests from this key or client; nothing was done",
            "retry after the number of seconds in the Retry-After header",
            http_status=429,
        ),
        ErrorCode(
            "payload_too_large",
            3,
            "the API request body or upload is larger than the service accepts",
            "send less, or raise the limit in veil.toml [service] (docs/api.md)",
            http_status=413,
        ),
        ErrorCode(
            "failed_after_charge",
            70,
            "a training run failed after its budget was charged; the charge stands",
            "read the error type in the message; fix the settings before spending budget again",
            http_status=500,
        ),
        ErrorCode(
            "job_interrupted",
            1,
            "a background job's worker stopped (a server restart, a kill) while it ran; the job's message "
            "says what of its work was applied (for most kinds: nothing)",
            "submit the job again; `veil job show` / GET /v1/jobs/{id} show the message",
            http_status=500,
        ),
        ErrorCode(
            "internal_error",
            70,
            "an unexpected error (a bug); its text is not printed, as it could quote personal data",
            "re-run with VEIL_DEBUG=1 to see it (it may show personal data) and report it",
            http_status=500,
        ),
    )
}


def exit_code_of(code: str) -> int:
    """The exit status of ``code`` (1, a VeilError's, for a code not in :data:`CODES`)."""
    spec = CODES.get(code)
    return spec.exit_code if spec is not None else 1


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


class SubjectErasedError(VeilError):
    code = "subject_erased"


class CryptoError(VeilError):
    code = "crypto_error"


class KeyProviderError(CryptoError):
    code = "key_provider_error"


class ReceiptInvalidError(CryptoError):
    """A signed erasure receipt failed verification (altered, malformed or another key)."""

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
