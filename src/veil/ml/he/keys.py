"""CKKS key pairs: the client's context (with the secret key) and the server's (public only).

A key pair is made by :meth:`HeKeys.generate` (TenSEAL, 128-bit security; the default
modulus chain ``(60, 40, 40, 60)`` allows models of multiplicative depth 2) and written by
:func:`write_keys`: ``secret.ctx`` (0600, the client keeps it) and ``public.ctx`` (public
and relinearisation keys, given to the scoring server). No Galois keys: scoring needs no
rotation.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veil.errors import ConfigError, ConflictError, CryptoError, NotFoundError
from veil.fileio import atomic_write_bytes
from veil.ml.he.container import Kind, pack, tenseal, unpack

__all__ = ["DEFAULT_COEFF_MOD_BIT_SIZES", "HeKeys", "keygen", "write_keys"]

DEFAULT_COEFF_MOD_BIT_SIZES = (60, 40, 40, 60)


@dataclass(frozen=True)
class HeKeys:
    """A loaded CKKS context: the client's (with the secret key) or the server's (public only).

    ``key_id`` is random per key pair and written into every ciphertext made under it.
    """

    key_id: str
    context: Any = field(repr=False)  # tenseal.Context (untyped)
    slots: int
    depth: int

    @classmethod
    def generate(
        cls,
        poly_modulus_degree: int = 8192,
        coeff_mod_bit_sizes: tuple[int, ...] = DEFAULT_COEFF_MOD_BIT_SIZES,
        scale_bits: int = 40,
        n_threads: int | None = None,
    ) -> HeKeys:
        """A fresh key pair. The default supports models of multiplicative depth 2 (128-bit security)."""
        ts = tenseal()
        if len(coeff_mod_bit_sizes) < 3:
            raise ConfigError("coeff_mod_bit_sizes needs at least 3 primes (depth >= 1)")
        kwargs: dict[str, Any] = {"n_threads": n_threads} if n_threads else {}
        try:
            ctx = ts.context(
                ts.SCHEME_TYPE.CKKS,
                poly_modulus_degree=poly_modulus_degree,
                coeff_mod_bit_sizes=list(coeff_mod_bit_sizes),
                **kwargs,
            )
        except ValueError as exc:
            raise ConfigError(f"invalid CKKS parameters: {exc}") from exc
        ctx.global_scale = 2.0**scale_bits
        return cls(secrets.token_hex(8), ctx, poly_modulus_degree // 2, len(coeff_mod_bit_sizes) - 2)

    @classmethod
    def load(cls, data: bytes, what: str = "context") -> HeKeys:
        header, blobs = unpack(data, ("public_context", "secret_context"), what)
        try:
            ctx = tenseal().context_from(blobs[0])
        except (ValueError, RuntimeError) as exc:
            raise CryptoError(f"{what} is corrupt (TenSEAL could not read it)") from exc
        if (header["kind"] == "secret_context") != bool(ctx.has_secret_key()):
            raise CryptoError(f"{what} says {header['kind']} but its content disagrees")
        return cls(str(header["key_id"]), ctx, int(header["slots"]), int(header["depth"]))

    @classmethod
    def read(cls, path: Path) -> HeKeys:
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"context file {path} not found (create one with `veil he keygen`)") from exc
        return cls.load(data, what=f"context file {path}")

    @property
    def has_secret_key(self) -> bool:
        return bool(self.context.has_secret_key())

    def _header(self, kind: Kind) -> dict[str, Any]:
        return {"kind": kind, "key_id": self.key_id, "slots": self.slots, "depth": self.depth}

    def public_bytes(self) -> bytes:
        """The public part only: public and relinearisation keys, never the secret key."""
        blob = self.context.serialize(
            save_public_key=True, save_secret_key=False, save_galois_keys=False, save_relin_keys=True
        )
        return pack(self._header("public_context"), [blob])

    def secret_bytes(self) -> bytes:
        if not self.has_secret_key:
            raise CryptoError("this context holds no secret key (it is a public context)")
        blob = self.context.serialize(
            save_public_key=True, save_secret_key=True, save_galois_keys=False, save_relin_keys=True
        )
        return pack(self._header("secret_context"), [blob])

    def public(self) -> HeKeys:
        """The server's view of these keys (loaded from :meth:`public_bytes`)."""
        return HeKeys.load(self.public_bytes())


def keygen(
    poly_modulus_degree: int = 8192,
    coeff_mod_bit_sizes: tuple[int, ...] = DEFAULT_COEFF_MOD_BIT_SIZES,
    scale_bits: int = 40,
) -> tuple[bytes, bytes]:
    """``(public_bytes, secret_bytes)`` of a fresh CKKS key pair."""
    keys = HeKeys.generate(poly_modulus_degree, coeff_mod_bit_sizes, scale_bits)
    return keys.public_bytes(), keys.secret_bytes()


def write_keys(out_dir: Path, public: bytes, secret: bytes, *, force: bool = False) -> tuple[Path, Path]:
    """Write ``public.ctx`` (0644) and ``secret.ctx`` (0600, atomically) into ``out_dir``."""
    pub_path, sec_path = out_dir / "public.ctx", out_dir / "secret.ctx"
    if not force and (pub_path.exists() or sec_path.exists()):
        raise ConflictError(
            f"{out_dir} already holds a key pair; ciphertexts made under it could no longer be "
            "decrypted if it were replaced (pass --force to replace it anyway)"
        )
    atomic_write_bytes(sec_path, secret, mode=0o600)
    atomic_write_bytes(pub_path, public, mode=0o644)
    return pub_path, sec_path
