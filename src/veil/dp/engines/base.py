"""What every DP engine provides: the bounded relation, and a way to run SQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from veil.consent.purpose import Purpose
from veil.dp.plan import Plan

__all__ = ["Engine", "normalise"]


class Engine(Protocol):
    name: str
    dialect: str

    def run(self, plan: Plan, purpose: Purpose) -> list[list[tuple[Any, ...]]]:
        """Run the plan's queries; one list of result rows per query (aggregates only)."""
        ...

    def close(self) -> None: ...


def normalise(value: Any) -> Any:
    """Engine values -> plain Python (Decimal sums from PostgreSQL become floats)."""
    if isinstance(value, Decimal):
        return float(value)
    return value
