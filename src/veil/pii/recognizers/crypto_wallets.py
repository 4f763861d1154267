"""Cryptocurrency wallet addresses, by their checksums.

==================  ===================================  =========================================
kind                format                               validation
==================  ===================================  =========================================
Bitcoin legacy      1... / 3... (base58, 26-35 chars)    double-SHA-256 checksum (``stdnum.bitcoin``)
Bitcoin SegWit      bc1q... (bech32)                     BCH checksum (``stdnum.bitcoin``)
Bitcoin Taproot     bc1p... (bech32m, BIP 350)           BCH checksum with the bech32m constant
Ethereum            0x + 40 hex digits                   EIP-55 letter case (Keccak-256) when the
                                                         case is mixed; otherwise needs context
==================  ===================================  =========================================

A base58check or bech32 checksum is 32 or 30 bits: a random string passes one time in a
billion, so these are reported without context. An all-lower-case Ethereum address carries
no checksum and is reported only near a word such as "wallet" or "ETH". python-stdnum
validates base58check and bech32 but not bech32m, and no library here writes them; the
encoders below (used for format-keeping surrogates) and the bech32m check are written here.
"""

from __future__ import annotations

import hashlib
import random
import re

from Crypto.Hash import keccak
from stdnum import bitcoin

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import first_char, terms

__all__ = [
    "crypto_wallet",
    "eip55",
    "is_crypto_wallet",
    "is_ethereum_address",
    "random_wallet_like",
]

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32M_CONST = 0x2BC830A3


def _keccak256_hex(data: bytes) -> str:
    return keccak.new(digest_bits=256, data=data).hexdigest()


def eip55(hex40: str) -> str:
    """``0x`` + the 40 hex digits in their EIP-55 checksum case."""
    lower = hex40.lower()
    digest = _keccak256_hex(lower.encode("ascii"))
    cased = (
        c.upper() if c.isalpha() and int(h, 16) >= 8 else c for c, h in zip(lower, digest[:40], strict=True)
    )
    return "0x" + "".join(cased)


def is_ethereum_address(text: str) -> bool:
    """``0x`` + 40 hex digits; when the letters are of mixed case, their EIP-55 case must hold."""
    if len(text) != 42 or not text.startswith("0x"):
        return False
    body = text[2:]
    if any(c not in "0123456789abcdefABCDEF" for c in body) or len(set(body.lower())) < 4:
        return False
    if body.islower() or body.isupper() or body.isdigit():
        return True
    return eip55(body) == text


def _is_bech32m(text: str) -> bool:
    value = text.lower()
    if not value.startswith("bc1p") or not 14 <= len(value) <= 90:
        return False
    if any(c not in _BECH32 for c in value[3:]):
        return False
    data = [_BECH32.index(c) for c in value[3:]]
    return bool(bitcoin.bech32_checksum(bitcoin._expand_hrp("bc") + data) == _BECH32M_CONST)


def is_crypto_wallet(text: str) -> bool:
    if text.startswith("0x"):
        return is_ethereum_address(text)
    if text[:4].lower() == "bc1p":
        return _is_bech32m(text)
    return bool(bitcoin.is_valid(text))


def _has_checksum(text: str) -> bool:
    """Whether ``text`` proves itself: base58check, bech32(m) or a mixed-case EIP-55 address."""
    if text.startswith("0x"):
        body = text[2:]
        return not (body.islower() or body.isupper() or body.isdigit())
    return True


class _WalletFinder:
    """Bitcoin and mixed-case Ethereum addresses at 0.9; single-case Ethereum ones at 0.3."""

    def __call__(self, text: str) -> list[tuple[int, int, float]]:
        out = []
        for regex in _REGEXES:
            for match in regex.finditer(text):
                value = match.group()
                if is_crypto_wallet(value):
                    out.append((match.start(), match.end(), 0.9 if _has_checksum(value) else 0.3))
        return out

    def __repr__(self) -> str:
        return "_WalletFinder()"


_NOT_IN_ADDRESS = r"[\w/.:-]"
_LEGACY = rf"{first_char('[13]', _NOT_IN_ADDRESS)}[{_BASE58}]{{25,34}}(?![\w-])"
_SEGWIT = rf"{first_char('[bB]', _NOT_IN_ADDRESS)}[cC]1[{_BECH32}{_BECH32.upper()}]{{8,87}}(?![\w-])"
_ETHEREUM = rf"{first_char('0', _NOT_IN_ADDRESS)}x[0-9a-fA-F]{{40}}(?![\w-])"


_REGEXES = tuple(re.compile(p) for p in (_LEGACY, _SEGWIT, _ETHEREUM))


def crypto_wallet() -> Recognizer:
    return Recognizer(
        name="crypto_wallet",
        entity_type=EntityType.CRYPTO_WALLET,
        finder=_WalletFinder(),
        context=terms(
            "wallet|address|eth|ether|ethereum|btc|bitcoin|crypto|cryptocurrency|usdt|metamask"
            "|send to|deposit"
        ),
        context_boost=0.35,
    )


# -- surrogates: a fresh address of the same kind ---------------------------------------------


def _b58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    value = int.from_bytes(data, "big")
    out = ""
    while value:
        value, rest = divmod(value, 58)
        out = _BASE58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _bech32(data: list[int], const: int) -> str:
    values = bitcoin._expand_hrp("bc") + data
    polymod = bitcoin.bech32_checksum([*values, 0, 0, 0, 0, 0, 0]) ^ const
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return "bc1" + "".join(_BECH32[d] for d in data + checksum)


def random_wallet_like(value: str, rng: random.Random) -> str:
    """A valid address of the same kind and length as ``value`` (drawn from ``rng``)."""
    if value.startswith("0x"):
        body = "".join(rng.choice("0123456789abcdef") for _ in range(40))
        if value[2:].islower() or value[2:].isdigit():
            return "0x" + body
        if value[2:].isupper():
            return "0x" + body.upper()
        return eip55(body)
    if value[:3].lower() == "bc1":
        data = [_BECH32.index(c) for c in value[3:].lower()]
        fresh = [data[0]] + [rng.randrange(32) for _ in range(len(data) - 7)]
        if (len(fresh) - 1) * 5 % 8:  # the program's padding bits must be zero
            fresh[-1] &= ~((1 << ((len(fresh) - 1) * 5 % 8)) - 1) & 31
        address = _bech32(fresh, _BECH32M_CONST if value[:4].lower() == "bc1p" else 1)
        return address.upper() if value.isupper() else address
    version = bitcoin.b58decode(value)[:1]
    return _b58check(version + bytes(rng.randrange(256) for _ in range(20)))
