"""The privacy budget ledger: how much privacy loss each dataset may still take.

A dataset's budget is an (epsilon, delta) pair set by its owner. Every DP
release (query, synthetic copy) is charged to it *before* its result exists,
inside one write transaction that locks the budget row (``BEGIN IMMEDIATE`` on
SQLite, ``SELECT ... FOR UPDATE`` on PostgreSQL), so concurrent queries can
never overspend: the second one sees the first one's charge or waits for it.

Composition: the epsilon spent is the smaller of two sound bounds on the whole
history of charges, both valid under adaptive composition:

* basic composition: the sum of each charge's epsilon (and delta);
* zero-concentrated DP: pure-DP mechanisms (each eps-DP one is eps^2/2-zCDP) add
  up in rho, converted to (epsilon, delta) by OpenDP's zCDP -> approximate-DP map
  at the delta the budget has left over, plus the basic sum of what is not zCDP
  (private partition selection, training, synthetic data).

Many small queries compose far better under zCDP (100 counts at epsilon 0.1 cost
about 3.4 instead of 10 at delta 1e-6), one big query is best counted basically;
the ledger always reports the better of the two.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from veil import clock
from veil.dp import odp as dp
from veil.errors import BudgetExceededError, ConflictError, InputError, NotFoundError
from veil.schema import dp_budgets, dp_ledger
from veil.vault.dataset import DatasetCatalog

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from veil.workspace import Workspace

__all__ = ["Budget", "BudgetExceededError", "BudgetLedger", "Charge", "check_cost"]

T = TypeVar("T")
#: Slack for float sums (a budget split into ten 0.1s must be spendable in full).
EPS_SLACK = 1e-9
#: The epsilons a charge or a budget may name. Below 1e-9 a release is pure noise and shares
#: of it underflow; above 1e9 no noise is left and OpenDP's maps overflow.
MIN_EPSILON = 1e-9
MAX_EPSILON = 1e9


@functools.lru_cache(maxsize=4096)
def zcdp_epsilon(rho: float, delta: float) -> float:
    """The epsilon of a rho-zCDP mechanism at ``delta``, by OpenDP's conversion map."""
    if rho <= 0:
        return 0.0
    if delta <= 0:
        return math.inf
    dp.enable_features("contrib")
    # A stand-in Gaussian whose privacy map is exactly rho at distance 1: the conversion
    # depends on rho alone.
    try:
        meas = dp.m.make_gaussian(
            dp.atom_domain(T=float, nan=False), dp.absolute_distance(T=float), 1.0 / math.sqrt(2.0 * rho)
        )
        approx = dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(meas), delta)
        return float(approx.map(1.0)[0])  # type: ignore[no-untyped-call]
    except dp.OpenDPException:
        # OpenDP refuses to convert a rho this large (its bound overflows): no zCDP bound,
        # and the ledger falls back to basic composition.
        return math.inf


@dataclass(frozen=True, slots=True)
class Spend:
    """Sums over a dataset's charges."""

    epsilon: float = 0.0  # basic composition
    delta: float = 0.0
    rho: float = 0.0  # zCDP part
    epsilon_other: float = 0.0  # not zCDP: composes basically
    charges: int = 0

    def plus(self, epsilon: float, delta: float, rho: float | None, epsilon_other: float | None) -> Spend:
        other = epsilon if rho is None else (epsilon_other or 0.0)
        return Spend(
            self.epsilon + epsilon,
            self.delta + delta,
            self.rho + (rho or 0.0),
            self.epsilon_other + other,
            self.charges + 1,
        )

    def epsilon_at(self, delta_budget: float) -> tuple[float, str]:
        """(epsilon spent, "basic" | "zcdp"): the better of the two bounds at the budget's delta."""
        left = delta_budget - self.delta
        if self.rho > 0 and left > 0:
            z = zcdp_epsilon(self.rho, left) + self.epsilon_other
            if z < self.epsilon:
                return z, "zcdp"
        return self.epsilon, "basic"


@dataclass(frozen=True, slots=True)
class Budget:
    dataset: str
    epsilon: float
    delta: float
    epsilon_spent: float
    delta_spent: float
    charges: int
    accounting: str = "basic"
    epsilon_spent_basic: float = 0.0

    @property
    def epsilon_remaining(self) -> float:
        return max(0.0, self.epsilon - self.epsilon_spent)

    @property
    def delta_remaining(self) -> float:
        return max(0.0, self.delta - self.delta_spent)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "epsilon": self.epsilon,
            "delta": self.delta,
            "epsilon_spent": round(self.epsilon_spent, 12),
            "delta_spent": self.delta_spent,
            "epsilon_remaining": round(self.epsilon_remaining, 12),
            "delta_remaining": self.delta_remaining,
            "charges": self.charges,
            "accounting": self.accounting,
            "epsilon_spent_basic": round(self.epsilon_spent_basic, 12),
        }


@dataclass(frozen=True, slots=True)
class Charge:
    """One accepted charge; ``budget`` is the state after it."""

    seq: int
    audit_seq: int
    epsilon: float
    delta: float
    budget: Budget


class BudgetLedger:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def set(self, dataset: str, epsilon: float, delta: float = 0.0) -> Budget:
        """Set (or raise/lower) a dataset's total budget; spent budget is never given back."""
        DatasetCatalog(self.ws).get(dataset)
        check_cost(epsilon, delta, what="budget")
        with self.ws.transaction() as conn:
            current = self._state(conn, dataset, lock=True)
            now = clock.now_iso()
            if current is None:
                conn.execute(
                    dp_budgets.insert().values(dataset=dataset, epsilon=epsilon, delta=delta, updated_at=now)
                )
            else:
                # What has been spent, counted at the new delta (the zCDP bound depends on it).
                spent_then, _how = self._spend(conn, dataset).epsilon_at(delta)
                if epsilon + EPS_SLACK < spent_then or delta + EPS_SLACK < current.delta_spent:
                    raise ConflictError(
                        f"dataset {dataset!r} has already spent epsilon={spent_then:.6g}, "
                        f"delta={current.delta_spent:.3g}; a budget below that is not possible"
                    )
                conn.execute(
                    dp_budgets.update()
                    .where(dp_budgets.c.dataset == dataset)
                    .values(epsilon=epsilon, delta=delta, updated_at=now)
                )
            self.ws.audit.append(
                conn, "dp.budget.set", dataset=dataset, details={"epsilon": epsilon, "delta": delta}
            )
            state = self._state(conn, dataset)
        assert state is not None
        return state

    def show(self, dataset: str) -> Budget:
        with self.ws.engine.connect() as conn:
            state = self._state(conn, dataset)
        if state is None:
            DatasetCatalog(self.ws).get(dataset)  # unknown dataset -> NotFoundError
            raise NotFoundError(
                f"dataset {dataset!r} has no privacy budget; set one with "
                f"`veil budget set {dataset} --epsilon E [--delta D]`"
            )
        return state

    def history(self, dataset: str, *, after: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """The dataset's charges in order; a page of them: the ``limit`` first with ``seq > after``."""
        query = (
            sa.select(dp_ledger)
            .where(dp_ledger.c.dataset == dataset, dp_ledger.c.seq > after)
            .order_by(dp_ledger.c.seq)
            .limit(limit)
        )
        with self.ws.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def precheck(
        self,
        dataset: str,
        epsilon: float,
        delta: float,
        *,
        rho: float | None = None,
        epsilon_other: float | None = None,
    ) -> Budget:
        """Refuse early (before any engine work) when the cost cannot fit."""
        check_cost(epsilon, delta, what="charge")
        state = self.show(dataset)
        with self.ws.engine.connect() as conn:
            spend = self._spend(conn, dataset)
        _refuse_if_over(state, spend, epsilon, delta, rho, epsilon_other)
        return state

    def charge(
        self,
        dataset: str,
        epsilon: float,
        delta: float,
        *,
        kind: str,
        purpose: str,
        details: dict[str, Any],
        release: Callable[[], T] | None = None,
        rho: float | None = None,
        epsilon_other: float | None = None,
    ) -> tuple[Charge, T | None]:
        """Charge (epsilon, delta) and, optionally, call ``release`` — atomically.

        The budget row is locked, the cost checked against what is left, the
        ledger and audit entries written, and only then is ``release`` called, in
        the same transaction: if it fails, nothing is charged and nothing released;
        if the budget does not allow the cost, ``release`` never runs. So ``release``
        must never look at the data (a failure that rolls back the charge would be
        free to an attacker): DP consumers charge first, then read the data, and a
        failure after the charge keeps it (``DpQuery.run``, ``Synthesizer.run``).
        """
        check_cost(epsilon, delta, what=kind)
        with self.ws.transaction() as conn:
            state = self._state(conn, dataset, lock=True)
            if state is None:
                raise NotFoundError(
                    f"dataset {dataset!r} has no privacy budget; set one with "
                    f"`veil budget set {dataset} --epsilon E [--delta D]`"
                )
            _refuse_if_over(state, self._spend(conn, dataset), epsilon, delta, rho, epsilon_other)
            entry = self.ws.audit.append(
                conn,
                f"dp.{kind}",
                purpose=purpose,
                dataset=dataset,
                details={**details, "epsilon": epsilon, "delta": delta},
            )
            seq = conn.execute(
                dp_ledger.insert().values(
                    dataset=dataset,
                    ts=clock.now_iso(),
                    actor=self.ws.actor,
                    kind=kind,
                    purpose=purpose,
                    epsilon=epsilon,
                    delta=delta,
                    rho=rho,
                    epsilon_other=epsilon if rho is None else (epsilon_other or 0.0),
                    audit_seq=entry.seq,
                )
            ).inserted_primary_key
            result = release() if release is not None else None
            after = self._state(conn, dataset)
        assert after is not None and seq is not None
        return Charge(int(seq[0]), entry.seq, epsilon, delta, after), result

    @staticmethod
    def _state(conn: Connection, dataset: str, *, lock: bool = False) -> Budget | None:
        query = sa.select(dp_budgets.c.epsilon, dp_budgets.c.delta).where(dp_budgets.c.dataset == dataset)
        if lock:
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None:
            return None
        spend = BudgetLedger._spend(conn, dataset)
        eps, how = spend.epsilon_at(float(row[1]))
        return Budget(
            dataset, float(row[0]), float(row[1]), eps, spend.delta, spend.charges, how, spend.epsilon
        )

    @staticmethod
    def _spend(conn: Connection, dataset: str) -> Spend:
        c = dp_ledger.c
        row = conn.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(c.epsilon), 0.0),
                sa.func.coalesce(sa.func.sum(c.delta), 0.0),
                sa.func.coalesce(sa.func.sum(c.rho), 0.0),
                sa.func.coalesce(sa.func.sum(sa.func.coalesce(c.epsilon_other, c.epsilon)), 0.0),
                sa.func.count(),
            ).where(c.dataset == dataset)
        ).one()
        return Spend(float(row[0]), float(row[1]), float(row[2]), float(row[3]), int(row[4]))


def check_cost(epsilon: float, delta: float, *, what: str) -> None:
    """Refuse an (epsilon, delta) no mechanism can use, with a clear InputError (never later)."""
    if not isinstance(epsilon, int | float) or not (math.isfinite(epsilon) and epsilon > 0):
        raise InputError(f"{what}: epsilon must be a positive finite number (got {epsilon})")
    if not MIN_EPSILON <= epsilon <= MAX_EPSILON:
        raise InputError(
            f"{what}: epsilon must be between {MIN_EPSILON:g} and {MAX_EPSILON:g} (got {epsilon:g}); "
            "typical values are 0.1 to 10"
        )
    if not isinstance(delta, int | float) or not (math.isfinite(delta) and 0 <= delta < 1):
        raise InputError(f"{what}: delta must be a number in [0, 1) (got {delta})")


def _refuse_if_over(
    state: Budget, spend: Spend, epsilon: float, delta: float, rho: float | None, epsilon_other: float | None
) -> None:
    after = spend.plus(epsilon, delta, rho, epsilon_other)
    if after.epsilon <= state.epsilon + EPS_SLACK and after.delta <= state.delta + EPS_SLACK:
        return  # basic composition fits, so the (never larger) zCDP bound does: no conversion to run
    eps_after, _how = after.epsilon_at(state.delta)
    if eps_after > state.epsilon + EPS_SLACK or after.delta > state.delta + EPS_SLACK:
        raise BudgetExceededError(
            f"dataset {state.dataset!r}: this costs epsilon={epsilon:.6g}, delta={delta:.3g} but only "
            f"epsilon={state.epsilon_remaining:.6g}, delta={state.delta_remaining:.3g} of the budget "
            f"(epsilon={state.epsilon:.6g}, delta={state.delta:.3g}) is left; nothing was run or charged"
        )
