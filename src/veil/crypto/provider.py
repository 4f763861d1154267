"""Key providers: where the key-encryption key (KEK) lives.

A provider wraps and unwraps small secrets (per-subject data keys, the pseudonym
key) with its KEK and never hands the KEK itself to the rest of Veil. Two ship:

* ``file`` (default): a JSON key file, mode 0600, in the workspace's key
  directory, kept apart from the data store. It can generate new KEKs, so
  ``veil keys rotate`` needs nothing else. A provider re-reads the file when it
  changes (one ``stat`` per wrap), so a process that was running when another one
  rotated the KEK wraps under the new KEK and can unwrap keys re-wrapped under it.
* ``env``: the KEK is base64 in ``$VEIL_KEK``; during a rotation the old one is
  in ``$VEIL_KEK_PREVIOUS``. Nothing is written to disk.

An external KMS (e.g. HashiCorp Vault transit, AWS KMS) is a small addition:
implement :class:`KeyProvider` (``wrap``/``unwrap`` become calls to the KMS's
encrypt/decrypt with the associated data as context) and add it to
:data:`PROVIDERS`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from veil.errors import ConfigError, CryptoError, KeyProviderError
from veil.fileio import atomic_write_bytes

__all__ = [
    "PROVIDERS",
    "EnvKeyProvider",
    "FileKeyProvider",
    "KeyProvider",
    "kek_version_of",
    "make_provider",
]

KEK_BYTES = 32
NONCE_BYTES = 12


def kek_version_of(kek: bytes) -> str:
    """A stable, non-secret identifier of a KEK (a truncated fingerprint)."""
    return "k" + hashlib.sha256(b"veil-kek-id\x00" + kek).hexdigest()[:12]


class KeyProvider(ABC):
    """Wraps secrets under a key-encryption key it keeps to itself."""

    name: ClassVar[str]
    #: True when the provider can make a new KEK itself (``veil keys rotate``).
    can_generate: ClassVar[bool] = False

    @abstractmethod
    def current_version(self) -> str:
        """Version id of the KEK that new wraps use."""

    @abstractmethod
    def _kek(self, version: str) -> bytes:
        """The KEK of ``version``; raises KeyProviderError when unknown."""

    def versions(self) -> list[str]:
        return [self.current_version()]

    def wrap(self, secret: bytes, aad: bytes) -> tuple[str, bytes]:
        version = self.current_version()
        nonce = os.urandom(NONCE_BYTES)
        return version, nonce + AESGCM(self._kek(version)).encrypt(nonce, secret, aad)

    def unwrap(self, version: str, blob: bytes, aad: bytes) -> bytes:
        try:
            return AESGCM(self._kek(version)).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
        except InvalidTag as exc:
            raise CryptoError(
                f"a wrapped key failed to unwrap under KEK {version}: the key store was "
                "altered or belongs to another workspace"
            ) from exc

    def unwrapper(self, version: str) -> Callable[[bytes, bytes], bytes]:
        """A fast unwrap function bound to one KEK version (for bulk work)."""
        aead = AESGCM(self._kek(version))

        def unwrap(blob: bytes, aad: bytes) -> bytes:
            try:
                return aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
            except InvalidTag as exc:
                raise CryptoError(
                    f"a wrapped key failed to unwrap under KEK {version}: the key store "
                    "was altered or belongs to another workspace"
                ) from exc

        return unwrap

    def wrapper(self) -> tuple[str, Callable[[bytes, bytes], bytes]]:
        """A fast wrap function bound to the current KEK (for bulk work)."""
        version = self.current_version()
        aead = AESGCM(self._kek(version))

        def wrap(secret: bytes, aad: bytes) -> bytes:
            nonce = os.urandom(NONCE_BYTES)
            return nonce + aead.encrypt(nonce, secret, aad)

        return version, wrap

    def wrap_many(self, plain: Sequence[bytes], aads: Sequence[bytes]) -> tuple[str, list[bytes]]:
        """Wrap many secrets under the current KEK: ``(version, blobs)``, blobs as :meth:`wrap` makes.

        Each wrap still gets its own random nonce (drawn from one ``os.urandom`` call) and its
        own associated data. A provider that overrides :meth:`wrapper` (a KMS) is used through it.
        """
        if len(plain) != len(aads):
            raise ValueError("wrap_many needs one associated data per secret")
        if type(self).wrapper is not KeyProvider.wrapper:
            version, wrap = self.wrapper()
            return version, list(map(wrap, plain, aads))
        version = self.current_version()
        aead = AESGCM(self._kek(version))
        pool = os.urandom(NONCE_BYTES * len(plain))
        nonces = [pool[i : i + NONCE_BYTES] for i in range(0, len(pool), NONCE_BYTES)]
        return version, list(map(bytes.__add__, nonces, map(aead.encrypt, nonces, plain, aads)))

    def generate(self) -> str:
        """Make a new current KEK, keeping the old ones until :meth:`retire`."""
        raise KeyProviderError(
            f"the {self.name!r} key provider cannot create keys itself: "
            "put the old KEK in VEIL_KEK_PREVIOUS and a new one in VEIL_KEK, "
            "then run `veil keys rotate` again"
        )

    def retire(self, keep: str) -> None:  # noqa: B027 - optional hook
        """Destroy every KEK but ``keep`` (after all wraps moved to it)."""

    def __repr__(self) -> str:  # never show key material
        return f"{type(self).__name__}(current={self.current_version()})"


class FileKeyProvider(KeyProvider):
    """KEKs in a 0600 JSON file: ``{"current": id, "keys": {id: base64}}``."""

    name = "file"
    can_generate = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self._keys: dict[str, bytes] = {}
        self._current = ""
        self._signature: tuple[int, int, int] | None = None
        self._load()

    @classmethod
    def create(cls, path: Path) -> FileKeyProvider:
        if path.exists():
            raise ConfigError(f"key file {path} already exists; refusing to overwrite it")
        kek = secrets.token_bytes(KEK_BYTES)
        _write_key_file(path, kek_version_of(kek), {kek_version_of(kek): kek})
        return cls(path)

    def _load(self) -> None:
        try:
            signature = _signature(self.path)
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self._keys = {v: base64.b64decode(k, validate=True) for v, k in raw["keys"].items()}
            self._current = str(raw["current"])
            if self._current not in self._keys or any(len(k) != KEK_BYTES for k in self._keys.values()):
                raise ValueError("damaged key file")
        except FileNotFoundError as exc:
            raise KeyProviderError(
                f"key file {self.path} is missing: without it no personal data in this "
                "workspace can be decrypted (restore it from your key backup)"
            ) from exc
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
            raise KeyProviderError(f"key file {self.path} is not a valid Veil key file") from exc
        mode = self.path.stat().st_mode & 0o777
        if mode & 0o077:
            raise KeyProviderError(
                f"key file {self.path} is readable by others (mode {mode:o}); run `chmod 600 {self.path}`"
            )
        self._signature = signature

    def _refresh(self) -> None:
        """Re-read the key file if another process rewrote it (a rotation)."""
        try:
            changed = _signature(self.path) != self._signature
        except FileNotFoundError:
            return  # keep what is loaded; a missing file is reported when it is next needed
        if changed:
            self._load()

    def current_version(self) -> str:
        self._refresh()
        return self._current

    def versions(self) -> list[str]:
        self._refresh()
        return sorted(self._keys)

    def _kek(self, version: str) -> bytes:
        if version not in self._keys:
            self._refresh()
        try:
            return self._keys[version]
        except KeyError:
            raise KeyProviderError(
                f"KEK {version} is not in {self.path}; was the key file replaced?"
            ) from None

    def generate(self) -> str:
        kek = secrets.token_bytes(KEK_BYTES)
        version = kek_version_of(kek)
        self._keys[version] = kek
        self._current = version
        _write_key_file(self.path, version, self._keys)
        return version

    def retire(self, keep: str) -> None:
        self._keys = {keep: self._kek(keep)}
        self._current = keep
        _write_key_file(self.path, keep, self._keys)


def _signature(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def _write_key_file(path: Path, current: str, keys: dict[str, bytes]) -> None:
    body = {"current": current, "keys": {v: base64.b64encode(k).decode() for v, k in keys.items()}}
    atomic_write_bytes(path, json.dumps(body, indent=2).encode(), mode=0o600)


class EnvKeyProvider(KeyProvider):
    """KEK from ``$VEIL_KEK`` (base64, 32 bytes); ``$VEIL_KEK_PREVIOUS`` while rotating."""

    name = "env"
    VAR = "VEIL_KEK"
    PREVIOUS = "VEIL_KEK_PREVIOUS"

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}
        current = self._read(self.VAR, required=True)
        assert current is not None
        self._current = kek_version_of(current)
        self._keys[self._current] = current
        previous = self._read(self.PREVIOUS, required=False)
        if previous is not None:
            self._keys[kek_version_of(previous)] = previous

    @staticmethod
    def _read(var: str, *, required: bool) -> bytes | None:
        value = os.environ.get(var)
        if not value:
            if required:
                raise KeyProviderError(
                    f"${var} is not set; this workspace's KEK comes from the environment. "
                    'Create one with: python -c "import os,base64;'
                    'print(base64.b64encode(os.urandom(32)).decode())"'
                )
            return None
        try:
            key = base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise KeyProviderError(f"${var} is not valid base64") from exc
        if len(key) != KEK_BYTES:
            raise KeyProviderError(f"${var} must hold {KEK_BYTES} bytes, base64-encoded")
        return key

    def current_version(self) -> str:
        return self._current

    def versions(self) -> list[str]:
        return sorted(self._keys)

    def _kek(self, version: str) -> bytes:
        try:
            return self._keys[version]
        except KeyError:
            raise KeyProviderError(
                f"KEK {version} is neither ${self.VAR} nor ${self.PREVIOUS}; set the key "
                "that wrapped this workspace's data keys"
            ) from None


#: Explicit registry of key providers by name (no registration by import side effect).
PROVIDERS: dict[str, str] = {
    FileKeyProvider.name: "local key file (0600) in the workspace key directory",
    EnvKeyProvider.name: "base64 KEK in $VEIL_KEK",
}


def make_provider(name: str, key_dir: Path) -> KeyProvider:
    if name == FileKeyProvider.name:
        return FileKeyProvider(key_dir / "kek.json")
    if name == EnvKeyProvider.name:
        return EnvKeyProvider()
    raise ConfigError(f"unknown key provider {name!r}; choose one of: {', '.join(sorted(PROVIDERS))}")
