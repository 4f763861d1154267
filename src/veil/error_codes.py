"""The one table of Veil's stable error codes: exit status, HTTP status, meaning, action.

:data:`CODES` is the only place a code gets its exit status (the CLI maps from it), its HTTP
status (the API maps from it) and its documented meaning; ``docs/errors.md`` is this table
(``tests/test_errors.py`` checks it). The exception classes are in :mod:`veil.errors`, which
re-exports this table: a class whose ``code`` is not here fails at import.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CODES", "ErrorCode", "exit_code_of"]


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
            "hierarchy_not_covering",
            3,
            "a generalisation hierarchy does not cover a value of its column (or is not a hierarchy)",
            "extend the hierarchy file the message names, or let Veil build the hierarchy from the schema",
            http_status=400,
        ),
        ErrorCode(
            "anonymity_infeasible",
            3,
            "no recoding meets the privacy model within the suppression budget (k above the rows, "
            "an empty table, too few distinct sensitive values)",
            "lower k or l, raise --max-suppression, or use fewer quasi-identifiers",
            http_status=422,
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
            "not_k_anonymous",
            6,
            "the purpose requires k-anonymity and the release is not k-anonymous over the dataset's "
            "quasi-identifiers",
            "release a recoded table instead (`veil anonymity apply --k K`), "
            "or leave the quasi-identifiers out",
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
            "a signed erasure receipt or release certificate does not verify: altered, malformed, or "
            "signed by another key",
            "get the receipt or certificate again from the workspace; check the public key "
            "(`veil receipt public-key`)",
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
