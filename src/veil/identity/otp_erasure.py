"""The portal's sign-in stores as an erasure participant (see :mod:`veil.rights.participants`).

A code row names its subject's pseudonym for at most the rate window (quarter of an hour),
the contact index for as long as they are held: an erasure deletes the subject's rows of
both at once, so nothing there names them after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from veil.identity.contact_index import ContactIndex
from veil.identity.otp import OneTimeCodes

if TYPE_CHECKING:
    from veil.rights.participants import ErasureJob
    from veil.workspace import Workspace

__all__ = ["PortalCodesParticipant"]


class PortalCodesParticipant:
    name = "portal_codes"
    after: tuple[str, ...] = ()
    holds: tuple[str, ...] = ("portal_codes", "portal_contacts")

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        pseudonyms = list(job.pseudonyms)
        return {
            "codes_deleted": OneTimeCodes(self.ws).forget(pseudonyms),
            "contacts_deleted": ContactIndex(self.ws).forget(pseudonyms),
        }
