"""The hash-chained audit log."""

from veil.audit.log import GENESIS, AuditEntry, AuditLog, VerifyResult, canonical, chain_hash

__all__ = ["GENESIS", "AuditEntry", "AuditLog", "VerifyResult", "canonical", "chain_hash"]
