"""Key providers, envelope encryption, pseudonyms and the key store."""

from veil.crypto.envelope import DataKey, field_aad
from veil.crypto.keystore import AuditAnchor, KeyStore, RotationResult
from veil.crypto.provider import EnvKeyProvider, FileKeyProvider, KeyProvider, make_provider
from veil.crypto.pseudonym import Pseudonymizer

__all__ = [
    "AuditAnchor",
    "DataKey",
    "EnvKeyProvider",
    "FileKeyProvider",
    "KeyProvider",
    "KeyStore",
    "Pseudonymizer",
    "RotationResult",
    "field_aad",
    "make_provider",
]
