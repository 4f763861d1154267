"""The data store's fixed tables, in one place.

These are the tables as the code reads and writes them; they are made and changed only by
the data store's schema revisions (``veil.migrations.data``, run by ``Workspace.init`` and
``Workspace.open``), never by ``create_all`` at run time. A test checks that an upgraded
store has every column defined here. Per-dataset attribute tables (``ds_<name>``) are data,
not schema: they are created at ingest from the dataset's column list (see
``vault/dataset.py``), like public lookup tables (``dp/public.py``). No table here holds a raw
subject id: subjects are keyed by pseudonym, and identity fields are sealed
under the subject's data key. Tables listed in :data:`DATA_TABLES` are what a
data backup holds; the audit tables are deliberately not among them, so a
restore never rewrites history.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "AUDIT_TABLES",
    "DATA_TABLES",
    "api_keys",
    "api_users",
    "audit_head",
    "audit_log",
    "audit_subjects",
    "breach_events",
    "breach_subjects",
    "breaches",
    "consent_events",
    "dataset_columns",
    "datasets",
    "dp_budgets",
    "dp_ledger",
    "dp_policies",
    "erasures_applied",
    "jobs",
    "metadata",
    "pii_erased",
    "pii_tokens",
    "portal_codes",
    "portal_contacts",
    "public_tables",
    "purpose_declarations",
    "purposes",
    "reports",
    "subject_request_events",
    "subject_requests",
    "subjects",
    "web_sessions",
    "workspace_meta",
]

metadata = sa.MetaData()

PSEUDONYM = sa.String(32)
TS = sa.String(32)  # ISO-8601 UTC, see veil.clock

workspace_meta = sa.Table(
    "veil_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

purposes = sa.Table(
    "purposes",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("basis", sa.String(32), nullable=False),
    sa.Column("retention_days", sa.Integer, nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("categories", sa.Text, nullable=True),  # JSON list; NULL = all but direct ids
    sa.Column("created_at", TS, nullable=False),
    # releases for the purpose must be k-anonymous over the quasi-identifiers (NULL: no k; d0009)
    sa.Column("require_k", sa.Integer, nullable=True),
)

subjects = sa.Table(
    "subjects",
    metadata,
    sa.Column("pseudonym", PSEUDONYM, primary_key=True),
    sa.Column("dek_version", sa.Integer, nullable=False),
    sa.Column("external_id", sa.LargeBinary, nullable=False),  # sealed under the DEK
    sa.Column("created_at", TS, nullable=False),
    sa.Column("last_seen_at", TS, nullable=False),
)

consent_events = sa.Table(
    "consent_events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("pseudonym", PSEUDONYM, nullable=False),
    sa.Column("purpose", sa.String(64), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("ts", TS, nullable=False),
    sa.Column("evidence", sa.LargeBinary, nullable=True),  # sealed under the DEK
    sa.Column("recorded_at", TS, nullable=False),
    sa.Index("ix_consent_subject_purpose", "pseudonym", "purpose", "ts"),
    sa.Index("ix_consent_purpose", "purpose", "pseudonym"),
    # Never reuse a number (SQLite would reuse the largest once an erasure deleted it): the DP
    # mirror applies the events recorded since the last ``seq`` it saw.
    sqlite_autoincrement=True,
)

datasets = sa.Table(
    "datasets",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("table_name", sa.String(80), nullable=False, unique=True),
    sa.Column("subject_column", sa.Text, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

dataset_columns = sa.Table(
    "dataset_columns",
    metadata,
    sa.Column("dataset", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("sql_name", sa.String(80), nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("dtype", sa.String(16), nullable=False),
    # JSON: why the column has its category (veil.vault.evidence.Evidence; never a value)
    sa.Column("evidence", sa.Text, nullable=True),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("ts", TS, nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("purpose", sa.String(64), nullable=True),
    sa.Column("dataset", sa.String(64), nullable=True),
    sa.Column("subject_count", sa.Integer, nullable=False),
    sa.Column("subjects_digest", sa.String(64), nullable=True),
    sa.Column("details", sa.Text, nullable=False),  # canonical JSON object
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

audit_subjects = sa.Table(
    "audit_subjects",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("pseudonym", PSEUDONYM, primary_key=True),
    sa.Index("ix_audit_subjects_pseudonym", "pseudonym", "seq"),
)

audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # HMAC-SHA256 of (workspace, seq, hash) under the key store's audit key (veil.audit.log);
    # NULL when the entry was appended over a head that failed authentication.
    sa.Column("mac", sa.String(64), nullable=True),
)

#: Erasures whose data-store part committed (veil.rights.erasure): a re-run after a crash between
#: that commit and the key store's record of it finds its audit entry here instead of writing another.
erasures_applied = sa.Table(
    "erasures_applied",
    metadata,
    sa.Column("erasure_id", sa.String(32), primary_key=True),
    sa.Column("audit_seq", sa.Integer, nullable=False),
    sa.Column("applied_at", TS, nullable=False),
)

# -- differential privacy (veil.dp) ---------------------------------------------------------
dp_policies = sa.Table(
    "dp_policies",
    metadata,
    sa.Column("dataset", sa.String(64), primary_key=True),
    sa.Column("policy", sa.Text, nullable=False),  # canonical JSON, see veil.dp.policy
    sa.Column("updated_at", TS, nullable=False),
)

dp_budgets = sa.Table(
    "dp_budgets",
    metadata,
    sa.Column("dataset", sa.String(64), primary_key=True),
    sa.Column("epsilon", sa.Float, nullable=False),
    sa.Column("delta", sa.Float, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

#: Every charge against a budget; append-only, like the audit log (never part of a backup:
#: restoring an old backup must not give spent privacy budget back).
dp_ledger = sa.Table(
    "dp_ledger",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset", sa.String(64), nullable=False),
    sa.Column("ts", TS, nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # query | synth
    sa.Column("purpose", sa.String(64), nullable=False),
    sa.Column("epsilon", sa.Float, nullable=False),
    sa.Column("delta", sa.Float, nullable=False),
    # The charge as zero-concentrated DP where it is one: rho of its pure-DP mechanisms
    # (each eps-DP mechanism is eps^2/2-zCDP) plus the epsilon of the rest, which composes basically.
    sa.Column("rho", sa.Float, nullable=True),
    sa.Column("epsilon_other", sa.Float, nullable=True),
    sa.Column("audit_seq", sa.Integer, nullable=False),
    sa.Index("ix_dp_ledger_dataset", "dataset"),
)

public_tables = sa.Table(
    "public_tables",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("columns", sa.Text, nullable=False),  # JSON [[name, sql type], ...]
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("created_at", TS, nullable=False),
)

# -- data-subject requests (veil.rights.requests; revision d0003) --------------------------
#: One row per request (GDPR Arts. 15-22, CCPA): the subject by pseudonym only, never an id.
subject_requests = sa.Table(
    "subject_requests",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("pseudonym", PSEUDONYM, nullable=False),
    sa.Column("type", sa.String(24), nullable=False),
    sa.Column("regime", sa.String(8), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("denial_reason", sa.String(32), nullable=True),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("confirm_by", sa.String(10), nullable=True),  # ISO date (CCPA)
    sa.Column("due_on", sa.String(10), nullable=False),  # ISO date: the response deadline now in force
    sa.Column("confirmed_at", TS, nullable=True),
    sa.Column("extended_at", TS, nullable=True),  # when the notice of extension was sent
    # "<pseudonym>:<type>" while the request is open, NULL once closed: one open request per kind
    sa.Column("open_key", sa.String(64), nullable=True, unique=True),
    sa.Column("created_by", sa.String(128), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("closed_at", TS, nullable=True),
    sa.Column("result", sa.Text, nullable=True),  # JSON summary of the fulfilment (no personal data)
    sa.Column("receipt", sa.Text, nullable=True),  # JSON signed erasure receipt
    sa.Index("ix_subject_requests_pseudonym", "pseudonym"),
    sa.Index("ix_subject_requests_state_due", "state", "due_on"),
)

#: Every state change of a request, with its actor (append-only).
subject_request_events = sa.Table(
    "subject_request_events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(32), nullable=False),
    sa.Column("ts", TS, nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("from_state", sa.String(16), nullable=True),
    sa.Column("to_state", sa.String(16), nullable=False),
    sa.Column("detail", sa.String(32), nullable=True),  # a denial reason, or "extended"
    sa.Column("audit_seq", sa.Integer, nullable=False),
    sa.Index("ix_subject_request_events_request", "request_id", "seq"),
)

# -- PII token mappings (veil.pii.mapping) -------------------------------------------------
pii_tokens = sa.Table(
    "pii_tokens",
    metadata,
    sa.Column("namespace", sa.String(32), primary_key=True),
    sa.Column("value_mac", sa.String(64), primary_key=True),  # or "forgotten:<random>" (erased)
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("token", sa.Text, nullable=False),
    sa.Column("sealed_value", sa.LargeBinary, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.UniqueConstraint("namespace", "kind", "seq", name="uq_pii_tokens_seq"),
    sa.Index("ix_pii_tokens_token", "namespace", "token"),
)

#: Keyed hashes of erased subjects' identity values (veil.pii.mapping.ErasedValues).
pii_erased = sa.Table(
    "pii_erased",
    metadata,
    sa.Column("value_mac", sa.String(64), primary_key=True),
    sa.Column("created_at", TS, nullable=False),
)

# -- API identities (veil.identity; revision d0002) ---------------------------------------
api_users = sa.Table(
    "api_users",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("purposes", sa.Text, nullable=False),  # JSON list of granted purposes
    sa.Column("created_at", TS, nullable=False),
    sa.Column("disabled_at", TS, nullable=True),
)

#: API keys: only a keyed hash of the secret is stored (veil.identity.keys).
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("purposes", sa.Text, nullable=False),
    sa.Column("user_name", sa.String(64), sa.ForeignKey("api_users.name"), nullable=True),
    sa.Column("subject", sa.String(32), nullable=True),
    sa.Column("networks", sa.Text, nullable=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("expires_at", TS, nullable=True),
    sa.Column("last_used_at", TS, nullable=True),
    sa.Column("revoked_at", TS, nullable=True),
    sa.Index("ix_api_keys_user", "user_name"),
)

# -- background jobs (veil.jobs; revision d0004) ------------------------------------------
#: One row per job: its kind, parameters (JSON naming files, datasets and purposes; never
#: personal data), state, progress, outcome and the worker running it. Not part of backups.
jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("params", sa.Text, nullable=False),  # canonical JSON object
    sa.Column("state", sa.String(16), nullable=False),  # queued running succeeded failed cancelled
    sa.Column("progress_done", sa.BigInteger, nullable=False),
    sa.Column("progress_total", sa.BigInteger, nullable=True),
    sa.Column("result", sa.Text, nullable=True),  # JSON
    sa.Column("error_code", sa.String(64), nullable=True),
    sa.Column("error_message", sa.Text, nullable=True),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("started_at", TS, nullable=True),
    sa.Column("finished_at", TS, nullable=True),
    sa.Column("worker", sa.String(160), nullable=True),  # host:pid
    sa.Column("heartbeat_at", TS, nullable=True),
    sa.Column("cancel_requested", sa.Boolean, nullable=False),
    sa.Column("owned_file", sa.Text, nullable=True),  # a 0600 spool file the job deletes when it ends
    sa.Index("ix_jobs_state_created", "state", "created_at", "id"),
    sa.Index("ix_jobs_actor_created", "actor", "created_at", "id"),
    sa.Index("ix_jobs_created", "created_at", "id"),
)

# -- the web pages' sessions (veil.web.session; revision d0005) ------------------------------
#: One row per signed-in browser, keyed by the SHA-256 of its cookie value: the actor, the
#: session's CSRF token, one pending notice, and the clocks of its idle and absolute expiry.
web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("actor_id", sa.String(128), nullable=False),
    sa.Column("actor_kind", sa.String(16), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("purposes", sa.Text, nullable=False),  # JSON list
    sa.Column("subject", PSEUDONYM, nullable=True),  # a data subject's session: their pseudonym
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("flash", sa.Text, nullable=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("last_seen_at", TS, nullable=False),
    sa.Column("expires_at", TS, nullable=False),  # the absolute expiry
    sa.Index("ix_web_sessions_expires", "expires_at"),
    sa.Index("ix_web_sessions_subject", "subject"),
)

# -- the data-subject portal's sign-in codes (veil.identity.otp; revision d0006) ---------------
#: One row per code sent (or, for an id Veil does not hold, a row like it with nothing sent):
#: the code only as a keyed hash, tries used, expiry. Rows are deleted once expired or used.
portal_codes = sa.Table(
    "portal_codes",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("pseudonym", PSEUDONYM, nullable=False),
    sa.Column("code_hash", sa.LargeBinary, nullable=False),  # HMAC-SHA256 of id and code
    sa.Column("deliverable", sa.Boolean, nullable=False),  # false: no such subject, nothing was sent
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("expires_at", TS, nullable=False),
    sa.Column("closed_at", TS, nullable=True),  # used, or burned by too many wrong tries
    sa.Index("ix_portal_codes_pseudonym_created", "pseudonym", "created_at"),
    sa.Index("ix_portal_codes_expires", "expires_at"),
)

#: Keyed hashes (HMAC under a key-store secret) of subjects' e-mail addresses and their
#: pseudonyms, so the portal finds a subject by address (veil.identity.contact_index; d0007).
portal_contacts = sa.Table(
    "portal_contacts",
    metadata,
    sa.Column("mac", sa.String(64), primary_key=True),
    sa.Column("pseudonym", PSEUDONYM, primary_key=True),
    sa.Index("ix_portal_contacts_pseudonym", "pseudonym"),
)

# -- the breach register (veil.breach; revision d0008) ------------------------------------
#: One row per incident, notified or not (GDPR Art. 33(5)): what leaked (JSON leak specs, no
#: personal data), the circumstances scored by the ENISA method, the 72-hour clock from awareness.
breaches = sa.Table(
    "breaches",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # open assessed notified closed
    sa.Column("aware_at", TS, nullable=False),
    sa.Column("notify_by", TS, nullable=False),  # aware_at + 72 h (Art. 33(1))
    sa.Column("leaks", sa.Text, nullable=False),  # JSON list of leak specs (veil.breach.exposure)
    sa.Column("circumstances", sa.Text, nullable=False),  # JSON (veil.breach.severity.Circumstances)
    sa.Column("assessment", sa.Text, nullable=True),  # JSON summary: counts, categories, severity
    sa.Column("severity", sa.Float, nullable=True),
    sa.Column("band", sa.String(16), nullable=True),
    sa.Column("notified_at", TS, nullable=True),
    sa.Column("delay_reason", sa.Text, nullable=True),  # required when notified after notify_by
    sa.Column("not_notified_reason", sa.Text, nullable=True),
    sa.Column("opened_by", sa.String(128), nullable=False),
    sa.Column("opened_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("closed_at", TS, nullable=True),
)
#: Every step of a breach (opened, assessed, update, notified, closed), append-only (Art. 33(4)).
breach_events = sa.Table(
    "breach_events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("breach_id", sa.String(32), nullable=False),
    sa.Column("ts", TS, nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("audit_seq", sa.Integer, nullable=False),
    sa.Index("ix_breach_events_breach", "breach_id", "seq"),
    sqlite_autoincrement=True,
)
#: The subjects an assessment found exposed, with what leaked in clear and what only sealed
#: (comma-separated category names) and the state of the key that seals it: the per-subject
#: evidence for Art. 34(3)(a). An erasure deletes the subject's rows (veil.breach.erasure).
breach_subjects = sa.Table(
    "breach_subjects",
    metadata,
    sa.Column("breach_id", sa.String(32), primary_key=True),
    sa.Column("pseudonym", PSEUDONYM, primary_key=True),
    sa.Column("clear", sa.Text, nullable=False),
    sa.Column("sealed", sa.Text, nullable=False),
    sa.Column("key_state", sa.String(16), nullable=False),  # intact leaked shredded none
    sa.Index("ix_breach_subjects_pseudonym", "pseudonym"),
)

# -- reports (veil.reports; revision d0010) ----------------------------------------------------
#: What only people know about a purpose, declared by the DPO (recipients, transfers, categories
#: of data subjects, the WP248 screening answers Veil cannot compute): key -> JSON value.
purpose_declarations = sa.Table(
    "purpose_declarations",
    metadata,
    sa.Column("purpose", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),  # JSON
    sa.Column("declared_by", sa.String(128), nullable=False),
    sa.Column("declared_at", TS, nullable=False),
)
#: Every report generated (records of processing, DPIA): the material facts it rests on (JSON) and
#: their SHA-256, so `veil report status` can say which reports a later change made outdated.
reports = sa.Table(
    "reports",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),  # processing | dpia
    sa.Column("scope", sa.String(64), nullable=False),  # "*" or the purpose
    sa.Column("facts", sa.Text, nullable=False),  # canonical JSON of the material facts
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the report as JSON (no personal data)
    sa.Column("status", sa.String(24), nullable=False),  # draft | validated | refused
    sa.Column("opinion", sa.Text, nullable=True),  # the DPO's opinion (DPIA)
    sa.Column("generated_by", sa.String(128), nullable=False),
    sa.Column("generated_at", TS, nullable=False),
    sa.Column("audit_seq", sa.Integer, nullable=False),
    sa.Index("ix_reports_kind_scope", "kind", "scope", "generated_at"),
)

#: What a data backup holds (plus the ds_* tables named in ``datasets``).
DATA_TABLES = (purposes, subjects, consent_events, datasets, dataset_columns)
AUDIT_TABLES = (audit_log, audit_subjects, audit_head)
