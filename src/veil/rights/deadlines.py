"""Statutory clocks of data-subject requests, computed exactly (pure date arithmetic, no I/O).

**GDPR Art. 12(3)**: answer within one month of receipt, extendable by two further months
(complexity, number of requests) if the subject is told, with reasons, within the first month.
A month is a calendar month counted from the day of receipt (Regulation 1182/71 Art. 3(2)(c)):
the deadline is the same day of the month one month later, or the last day of that month
when it has no such day (31 January -> 28 or 29 February; 31 March -> 30 April). The
extended deadline is three months from receipt, counted the same way (31 January -> 30 April).

**CCPA** (Cal. Code Regs. tit. 11 § 7021): confirm receipt within 10 business days, respond
within 45 calendar days of receipt, extendable once by 45 more calendar days (90 in all) with
a notice within the first 45 days.

Conventions, all of them on the safe side (a deadline is never later than the law allows):

* Dates are the receipt's date in UTC; a deadline is met if the answer is given before the
  end of that date (UTC). A request is :func:`overdue` from the next midnight UTC.
* A deadline that falls on a weekend or holiday is not moved to the next working day
  (1182/71 Art. 3(4) would allow it): the earlier date is kept.
* Business days are Monday to Friday, minus the ``holidays`` given (none by default: public
  holidays differ by state and year and are not modelled; pass a list to count them). The
  receipt day itself is never counted: day one is the first business day after it.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from veil.clock import format_ts

__all__ = [
    "CCPA_CONFIRM_BUSINESS_DAYS",
    "CCPA_EXTENSION_DAYS",
    "CCPA_RESPONSE_DAYS",
    "GDPR_EXTENSION_MONTHS",
    "GDPR_RESPONSE_MONTHS",
    "Deadlines",
    "Regime",
    "add_business_days",
    "add_months",
    "deadlines",
    "is_past",
]

GDPR_RESPONSE_MONTHS = 1
GDPR_EXTENSION_MONTHS = 2
CCPA_CONFIRM_BUSINESS_DAYS = 10
CCPA_RESPONSE_DAYS = 45
CCPA_EXTENSION_DAYS = 45


class Regime(StrEnum):
    """The law a request is made under."""

    GDPR = "gdpr"
    CCPA = "ccpa"


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months; a day the target month lacks becomes its last day."""
    if months < 0:
        raise ValueError("months must not be negative")
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def add_business_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The ``days``-th business day after ``start`` (Monday-Friday, not in ``holidays``).

    Without holidays, whole weeks are added arithmetically and only the last partial week is
    stepped through; with holidays, day by day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if holidays:
        closed = set(holidays)
        current = start
        while days > 0:
            current += timedelta(days=1)
            if current.weekday() < 5 and current not in closed:
                days -= 1
        return current
    if days == 0:
        return start
    # From the last weekday on or before start, each full week of 5 business days is 7 days.
    current = start - timedelta(days=max(0, start.weekday() - 4))
    weeks, rest = divmod(days, 5)
    current += timedelta(weeks=weeks)
    while rest > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            rest -= 1
    return current


@dataclass(frozen=True, slots=True)
class Deadlines:
    """A request's clocks, as dates (inclusive: the act is due by the end of the date, UTC)."""

    regime: Regime
    received: date
    #: CCPA: confirm receipt by this date; GDPR: None (no separate confirmation duty)
    confirm_by: date | None
    #: the response is due by this date, without an extension
    respond_by: date
    #: the latest date a notice of extension may be sent (the end of the first period)
    extension_notice_by: date
    #: the response is due by this date once extended
    extended_respond_by: date

    def due(self, *, extended: bool) -> date:
        return self.extended_respond_by if extended else self.respond_by

    def to_dict(self, *, extended: bool = False) -> dict[str, str | None]:
        return {
            "regime": self.regime.value,
            "received": self.received.isoformat(),
            "confirm_by": self.confirm_by.isoformat() if self.confirm_by else None,
            "respond_by": self.respond_by.isoformat(),
            "extension_notice_by": self.extension_notice_by.isoformat(),
            "extended_respond_by": self.extended_respond_by.isoformat(),
            "due": self.due(extended=extended).isoformat(),
        }


def deadlines(regime: Regime | str, received: date, *, holidays: Collection[date] = ()) -> Deadlines:
    """The statutory clocks of a request received on ``received`` (see the module docstring)."""
    law = Regime(regime)
    if law is Regime.GDPR:
        respond_by = add_months(received, GDPR_RESPONSE_MONTHS)
        return Deadlines(
            regime=law,
            received=received,
            confirm_by=None,
            respond_by=respond_by,
            extension_notice_by=respond_by,
            extended_respond_by=add_months(received, GDPR_RESPONSE_MONTHS + GDPR_EXTENSION_MONTHS),
        )
    respond_by = received + timedelta(days=CCPA_RESPONSE_DAYS)
    return Deadlines(
        regime=law,
        received=received,
        confirm_by=add_business_days(received, CCPA_CONFIRM_BUSINESS_DAYS, holidays),
        respond_by=respond_by,
        extension_notice_by=respond_by,
        extended_respond_by=received + timedelta(days=CCPA_RESPONSE_DAYS + CCPA_EXTENSION_DAYS),
    )


def is_past(deadline: date, now: datetime) -> bool:
    """Whether ``now`` is after the end of ``deadline`` (UTC): from the next midnight on."""
    return format_ts(now)[:10] > deadline.isoformat()
