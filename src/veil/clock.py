"""Timestamps: UTC, ISO-8601 with a Z, sortable as text on every database."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["format_ts", "now", "now_iso", "parse_ts"]


def now() -> datetime:
    return datetime.now(UTC)


def format_ts(ts: datetime) -> str:
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    # Not strftime("%Y..."): it does not zero-pad years before 1000, which breaks text order.
    return ts.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def now_iso() -> str:
    return format_ts(now())


def parse_ts(text: str) -> datetime:
    """Parse an ISO-8601 date or date-time; naive values are taken as UTC."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    ts = datetime.fromisoformat(value)
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    try:
        return ts.astimezone(UTC)
    except OverflowError:
        raise ValueError("timestamp is out of range in UTC") from None
