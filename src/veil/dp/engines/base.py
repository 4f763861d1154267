"""What every DP engine provides: the bounded relation, and a way to run SQL.

An engine runs a plan in two steps, so that what may fail without looking at the data is
kept apart from what looks at it (see ``DpQuery.run``):

* :meth:`Engine.prepare` — connect, check the runtime (Java for Spark), bring the analytics
  mirror up to date, write the SQL. It fails only with a :class:`~veil.errors.VeilError`
  that says what to fix (a missing dependency, a busy mirror), and no budget is charged;
* :meth:`Prepared.execute` — run the SQL over the data. It is called only once the budget
  is charged, and whatever it raises is reported as one fixed, charged failure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from veil.dp.plan import QueryPlan

__all__ = ["Engine", "Prepared", "normalise", "run_plan"]

Results = list[list[tuple[Any, ...]]]


class Prepared(Protocol):
    def execute(self) -> Results:
        """Run the plan's queries; one list of result rows per query (aggregates only)."""
        ...

    def close(self) -> None: ...


class Engine(Protocol):
    name: str
    dialect: str

    def prepare(self, plan: QueryPlan) -> Prepared:
        """Everything before the data is read; raises only VeilError (nothing is charged).

        The rows come from the plan's release (``plan.release``): its lawful subjects and
        allowed columns only, however the engine reaches them.
        """
        ...

    def close(self) -> None: ...


def run_plan(engine: Engine, plan: QueryPlan) -> Results:
    """Prepare and execute in one go (tests, benchmarks: no budget involved)."""
    prepared = engine.prepare(plan)
    try:
        return prepared.execute()
    finally:
        prepared.close()


def normalise(value: Any) -> Any:
    """Engine values -> plain Python (Decimal sums from PostgreSQL become floats)."""
    if isinstance(value, Decimal):
        return float(value)
    return value
