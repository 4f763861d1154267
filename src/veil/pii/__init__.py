"""PII detection: find personal data in free text, offline.

``PiiEngine(config).detect(text) -> list[Entity]`` (also ``detect_batch`` and ``stream``);
recognizers are data held by a ``RecognizerRegistry``; ``PiiConfig`` holds the settings
(from code, a mapping, YAML, or the ``[pii]`` table of veil.toml).
"""

from veil.pii.config import PiiConfig
from veil.pii.engine import PiiEngine
from veil.pii.entity import Entity, EntityType
from veil.pii.registry import Pattern, Recognizer, RecognizerRegistry

__all__ = [
    "Entity",
    "EntityType",
    "Pattern",
    "PiiConfig",
    "PiiEngine",
    "Recognizer",
    "RecognizerRegistry",
]
