"""The portal's sign-in codes as an erasure participant (see :mod:`veil.rights.participants`).

A code row names its subject's pseudonym for at most the rate window (quarter of an hour);
an erasure deletes the subject's rows at once, so nothing in the store names them after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from veil.identity.otp import OneTimeCodes

if TYPE_CHECKING:
    from veil.rights.participants import ErasureJob
    from veil.workspace import Workspace

__all__ = ["PortalCodesParticipant"]


class PortalCodesParticipant:
    name = "portal_codes"
    after: tuple[str, ...] = ()
    holds: tuple[str, ...] = ("portal_codes",)

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        return {"codes_deleted": OneTimeCodes(self.ws).forget(list(job.pseudonyms))}
