"""The breach register as an erasure participant (see :mod:`veil.rights.participants`).

``breach_subjects`` names exposed subjects by pseudonym. Erasing a subject deletes their rows
there; the breach keeps its counts (the register itself holds no personal data). Registered as
the entry point ``breach_subjects`` of ``veil.erasure_participants`` (pyproject.toml).
"""

from __future__ import annotations

from veil.rights.participants import RowsParticipant
from veil.schema import breach_subjects

__all__ = ["BreachSubjectsParticipant"]


class BreachSubjectsParticipant(RowsParticipant):
    name = "breach_subjects"
    table = breach_subjects
