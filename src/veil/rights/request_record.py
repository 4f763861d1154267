"""What a data-subject request is: its types, states, the legal transitions and its record.

The records are plain data read from ``subject_requests`` / ``subject_request_events``;
:class:`veil.rights.requests.RequestRegistry` makes and changes them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from veil import clock
from veil.rights.deadlines import Deadlines, Regime, deadlines, is_past

__all__ = [
    "FULFILLED_BY_VEIL",
    "OPEN_STATES",
    "TRANSITIONS",
    "DenialReason",
    "ExtensionReason",
    "RequestEvent",
    "RequestPage",
    "RequestState",
    "RequestType",
    "SubjectRequest",
]


class RequestType(StrEnum):
    ACCESS = "access"  # Art. 15, CCPA right to know
    PORTABILITY = "portability"  # Art. 20
    ERASURE = "erasure"  # Art. 17, CCPA right to delete
    RECTIFICATION = "rectification"  # Art. 16, CCPA right to correct
    RESTRICTION = "restriction"  # Art. 18
    OBJECTION = "objection"  # Art. 21, CCPA opt-out
    CONSENT_WITHDRAWAL = "consent_withdrawal"  # Art. 7(3)


class RequestState(StrEnum):
    RECEIVED = "received"
    VERIFYING = "verifying"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    DENIED = "denied"
    EXPIRED = "expired"


class DenialReason(StrEnum):
    """Why a request is denied: the Data Rights Protocol's reasons plus Art. 12(5)'s."""

    SUSPECTED_FRAUD = "suspected_fraud"
    INSUFFICIENT_VERIFICATION = "insuf_verification"
    NO_MATCH = "no_match"
    CLAIM_NOT_COVERED = "claim_not_covered"
    OUTSIDE_JURISDICTION = "outside_jurisdiction"
    TOO_MANY_REQUESTS = "too_many_requests"
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"
    EXCESSIVE = "excessive"
    OTHER = "other"


class ExtensionReason(StrEnum):
    """Why a deadline is extended, as the notice to the subject states it (GDPR Art. 12(3):
    complexity and number of requests; CCPA: reasonably necessary)."""

    COMPLEXITY = "complexity"
    NUMBER_OF_REQUESTS = "number_of_requests"
    REASONABLY_NECESSARY = "reasonably_necessary"


OPEN_STATES = frozenset({RequestState.RECEIVED, RequestState.VERIFYING, RequestState.IN_PROGRESS})

#: The state changes allowed, from each state (the closed states have none).
TRANSITIONS: dict[RequestState, frozenset[RequestState]] = {
    RequestState.RECEIVED: frozenset({RequestState.VERIFYING, RequestState.DENIED, RequestState.EXPIRED}),
    RequestState.VERIFYING: frozenset({RequestState.IN_PROGRESS, RequestState.DENIED, RequestState.EXPIRED}),
    RequestState.IN_PROGRESS: frozenset({RequestState.FULFILLED, RequestState.DENIED}),
    RequestState.FULFILLED: frozenset(),
    RequestState.DENIED: frozenset(),
    RequestState.EXPIRED: frozenset(),
}

#: Types Veil fulfils itself (the package, the signed receipt): only ``fulfil`` closes them.
FULFILLED_BY_VEIL = frozenset({RequestType.ACCESS, RequestType.PORTABILITY, RequestType.ERASURE})


@dataclass(frozen=True, slots=True)
class SubjectRequest:
    id: str
    pseudonym: str
    type: RequestType
    regime: Regime
    state: RequestState
    received_at: str
    due_on: str
    confirm_by: str | None
    created_by: str
    created_at: str
    updated_at: str
    denial_reason: DenialReason | None = None
    confirmed_at: str | None = None
    extended_at: str | None = None
    closed_at: str | None = None
    result: dict[str, Any] | None = None
    has_receipt: bool = False

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def deadlines(self) -> Deadlines:
        return deadlines(self.regime, clock.parse_ts(self.received_at).date())

    def overdue(self, now: datetime) -> bool:
        """Open past its response deadline (as extended), or, under the CCPA, unconfirmed past
        the confirmation deadline."""
        if not self.is_open:
            return False
        if is_past(date.fromisoformat(self.due_on), now):
            return True
        return (
            self.confirm_by is not None
            and self.confirmed_at is None
            and is_past(date.fromisoformat(self.confirm_by), now)
        )

    def to_dict(self, now: datetime | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject_pseudonym": self.pseudonym,
            "type": self.type.value,
            "regime": self.regime.value,
            "state": self.state.value,
            "denial_reason": self.denial_reason.value if self.denial_reason else None,
            "received_at": self.received_at,
            "confirm_by": self.confirm_by,
            "confirmed_at": self.confirmed_at,
            "due_on": self.due_on,
            "extended_at": self.extended_at,
            "deadlines": self.deadlines.to_dict(extended=self.extended_at is not None),
            "overdue": self.overdue(now or clock.now()),
            "created_by": self.created_by,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "closed_at": self.closed_at,
            "result": self.result,
            "has_receipt": self.has_receipt,
        }


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """One state change (or extension) of a request, with who made it."""

    seq: int
    request_id: str
    ts: str
    actor: str
    from_state: str | None
    to_state: str
    detail: str | None
    audit_seq: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RequestPage:
    items: list[SubjectRequest]
    #: pass as ``cursor`` for the next page; None on the last page
    next_cursor: str | None
