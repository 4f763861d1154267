"""Statutory clocks against an independent computation (dateutil's relativedelta and rrule).

Every receipt date of 1995-2035 (14,976 dates) is checked for all four deadlines, and a
Hypothesis property test draws 10,000 more receipt dates (with holiday lists for the CCPA's
business days) from a wider range.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, FR, MO, TH, TU, WE, rrule
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.rights.deadlines import Regime, add_business_days, add_months, deadlines, is_past


def _business_days_after(start: date, n: int, holidays: frozenset[date] = frozenset()) -> date:
    """The n-th weekday after ``start`` that is not a holiday, enumerated by dateutil's rrule."""
    days = rrule(DAILY, dtstart=start + timedelta(days=1), byweekday=(MO, TU, WE, TH, FR))
    count = 0
    for dt in days:
        if dt.date() in holidays:
            continue
        count += 1
        if count == n:
            return dt.date()
    raise AssertionError("unreachable")


def _expected(
    regime: Regime, received: date, holidays: frozenset[date] = frozenset()
) -> dict[str, date | None]:
    if regime is Regime.GDPR:
        one = received + relativedelta(months=1)
        return {
            "confirm_by": None,
            "respond_by": one,
            "extension_notice_by": one,
            "extended_respond_by": received + relativedelta(months=3),
        }
    return {
        "confirm_by": _business_days_after(received, 10, holidays),
        "respond_by": received + relativedelta(days=45),
        "extension_notice_by": received + relativedelta(days=45),
        "extended_respond_by": received + relativedelta(days=90),
    }


def _actual(
    regime: Regime, received: date, holidays: frozenset[date] = frozenset()
) -> dict[str, date | None]:
    d = deadlines(regime, received, holidays=holidays)
    return {
        "confirm_by": d.confirm_by,
        "respond_by": d.respond_by,
        "extension_notice_by": d.extension_notice_by,
        "extended_respond_by": d.extended_respond_by,
    }


def test_every_receipt_date_of_forty_years_matches_dateutil() -> None:
    start, end = date(1995, 1, 1), date(2035, 12, 31)
    errors = []
    checked = 0
    day = start
    while day <= end:
        for regime in Regime:
            if _actual(regime, day) != _expected(regime, day):
                errors.append((regime.value, day.isoformat()))
        checked += 1
        day += timedelta(days=1)
    assert checked >= 14_000
    assert errors == []


@settings(max_examples=10_000, deadline=None)
@given(
    received=st.dates(min_value=date(1900, 1, 1), max_value=date(2400, 12, 31)),
    holidays=st.frozensets(st.integers(min_value=0, max_value=25), max_size=6),
)
def test_clocks_match_dateutil_property(received: date, holidays: frozenset[int]) -> None:
    closed = frozenset(received + timedelta(days=k) for k in holidays)
    for regime in Regime:
        assert _actual(regime, received, closed) == _expected(regime, received, closed)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2023, 1, 31), date(2023, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2024, 1, 29), date(2024, 2, 29)),
        (date(2023, 1, 29), date(2023, 2, 28)),
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 8, 31), date(2025, 9, 30)),
        (date(2025, 12, 31), date(2026, 1, 31)),  # across the year
        (date(2025, 12, 15), date(2026, 1, 15)),
        (date(2025, 2, 28), date(2025, 3, 28)),
    ],
)
def test_gdpr_one_calendar_month_clamps_to_month_end(received: date, due: date) -> None:
    d = deadlines("gdpr", received)
    assert d.respond_by == due
    assert d.confirm_by is None
    assert d.extension_notice_by == due


def test_gdpr_extension_counts_three_months_from_receipt() -> None:
    # Not one month then two: 31 Jan -> 30 Apr (28 Feb + 2 months would be 28 Apr).
    assert deadlines("gdpr", date(2023, 1, 31)).extended_respond_by == date(2023, 4, 30)
    assert deadlines("gdpr", date(2023, 11, 30)).extended_respond_by == date(2024, 2, 29)


def test_ccpa_clocks() -> None:
    # Received Friday 2025-01-03: ten business days end Friday 2025-01-17.
    d = deadlines(Regime.CCPA, date(2025, 1, 3))
    assert d.confirm_by == date(2025, 1, 17)
    assert d.respond_by == date(2025, 2, 17)
    assert d.extended_respond_by == date(2025, 4, 3)
    # Received on a Saturday or a Sunday: day one is the Monday.
    assert deadlines(Regime.CCPA, date(2025, 1, 4)).confirm_by == date(2025, 1, 17)
    assert deadlines(Regime.CCPA, date(2025, 1, 5)).confirm_by == date(2025, 1, 17)
    # A holiday (Martin Luther King Jr. Day, 2025-01-20) pushes the confirmation by a day.
    mlk = deadlines(Regime.CCPA, date(2025, 1, 10), holidays=[date(2025, 1, 20)])
    assert mlk.confirm_by == date(2025, 1, 27)
    assert deadlines(Regime.CCPA, date(2025, 1, 10)).confirm_by == date(2025, 1, 24)


def test_business_days_and_months_refuse_negative_counts() -> None:
    with pytest.raises(ValueError):
        add_months(date(2025, 1, 1), -1)
    with pytest.raises(ValueError):
        add_business_days(date(2025, 1, 1), -1)
    assert add_business_days(date(2025, 1, 4), 0) == date(2025, 1, 4)


def test_is_past_turns_at_the_next_midnight_utc() -> None:
    due = date(2025, 2, 28)
    assert not is_past(due, datetime(2025, 2, 28, 23, 59, 59, tzinfo=UTC))
    assert is_past(due, datetime(2025, 3, 1, 0, 0, 0, tzinfo=UTC))
    # A time in another zone counts by its UTC date.
    from zoneinfo import ZoneInfo

    la = ZoneInfo("America/Los_Angeles")
    assert is_past(due, datetime(2025, 2, 28, 16, 30, tzinfo=la))  # 00:30 UTC on 1 March
    assert not is_past(due, datetime(2025, 2, 28, 15, 30, tzinfo=la))


def test_regime_is_checked() -> None:
    with pytest.raises(ValueError):
        deadlines("hipaa", date(2025, 1, 1))
