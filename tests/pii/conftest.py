"""PII engines shared by the PII tests: the spaCy model is loaded once per session."""

from __future__ import annotations

import pytest

from veil.pii import PiiConfig, PiiEngine


@pytest.fixture(scope="session")
def pii_engine() -> PiiEngine:
    """The default engine: rules, gazetteers and spaCy NER (en_core_web_sm)."""
    return PiiEngine().load()


@pytest.fixture(scope="session")
def rules_engine() -> PiiEngine:
    """Rules and gazetteers only (no NER): what each rule recognizer finds on its own."""
    return PiiEngine(PiiConfig(ner=False))
