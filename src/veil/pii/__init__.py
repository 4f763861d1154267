"""PII detection: find personal data in free text, offline.

``PiiEngine(config).detect(text) -> list[Entity]`` (also ``detect_batch`` and ``stream``);
recognizers and post-processors are data held by a ``RecognizerRegistry``; ``PiiConfig``
holds the settings (from code, a mapping, YAML, or the ``[pii]`` table of veil.toml).

The names below are loaded on first access (PEP 562), not when the package is imported:
``import veil.pii.mapping`` (token store, erasure) does not pay for the recognizers'
libraries (phonenumbers, python-stdnum, the gazetteers).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veil.pii.config import PiiConfig
    from veil.pii.engine import PiiEngine
    from veil.pii.entity import Entity, EntityType
    from veil.pii.recognizer import Pattern, PostProcessor, Recognizer
    from veil.pii.registry import RecognizerRegistry

__all__ = [
    "Entity",
    "EntityType",
    "Pattern",
    "PiiConfig",
    "PiiEngine",
    "PostProcessor",
    "Recognizer",
    "RecognizerRegistry",
]

_HOMES = {
    "Entity": "veil.pii.entity",
    "EntityType": "veil.pii.entity",
    "Pattern": "veil.pii.recognizer",
    "PiiConfig": "veil.pii.config",
    "PiiEngine": "veil.pii.engine",
    "PostProcessor": "veil.pii.recognizer",
    "Recognizer": "veil.pii.recognizer",
    "RecognizerRegistry": "veil.pii.registry",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
