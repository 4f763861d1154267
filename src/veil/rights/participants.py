"""Erasure participants: each store that holds subject-derived data forgets erased subjects.

A participant is a small object with

* ``name`` — how the pending-erasure record names its step;
* ``after`` — participants whose step must be done first (the DP mirror is rebuilt from
  the data store, so it forgets after the data store has);
* ``holds`` — what it forgets: data-store tables (``"ds_*"`` for every dataset's) and
  workspace files (``"models/"``: a directory), so a test can prove that every table and
  file that can hold subject data has a participant;
* ``prepare(pseudonyms) -> payload`` — runs while the subjects' data keys still exist and
  returns what ``forget`` will need once they are gone (JSON, kept with the pending record
  in the key store; never values in clear);
* ``forget(job) -> result`` — removes the subjects and says what it removed. It must be
  idempotent (a step is run again after a crash) and either complete or raise
  :class:`veil.errors.BusyError` having changed nothing (the step then stays pending and is
  retried later).

Stores register themselves: the data store (:mod:`veil.rights.data_store`) is built in;
every other store is a Python entry point in the group :data:`ENTRY_POINT_GROUP`
(``[project.entry-points."veil.erasure_participants"]`` in ``pyproject.toml``: the PII
token store, the model registry, the DP mirror), so ``rights/`` imports none of the
capabilities that provide them and a store added later — in Veil or in a plug-in package
— is found without editing ``rights/``. A registry can also be given factories directly
(the tests do).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "ENTRY_POINT_GROUP",
    "ErasureJob",
    "ErasureParticipant",
    "ParticipantFactory",
    "ParticipantRegistry",
    "RowsParticipant",
]

#: The entry-point group where stores register their participant factory ``(ws) -> participant``.
ENTRY_POINT_GROUP = "veil.erasure_participants"


@dataclass(frozen=True, slots=True)
class ErasureJob:
    """What a participant's ``forget`` gets: the erasure, its own payload, earlier results."""

    erasure_id: str
    pseudonyms: Sequence[str]
    reason: str
    action: str
    details: Mapping[str, Any]
    keys_destroyed: int
    #: seconds to wait for a lock before giving up with BusyError
    wait_s: float
    payload: Mapping[str, Any] = field(default_factory=dict)
    #: results of the participants already done, by name
    results: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: True when this step runs in a later command than the erasure itself
    resumed: bool = False


class ErasureParticipant(Protocol):
    name: str
    after: tuple[str, ...]
    holds: tuple[str, ...]

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]: ...

    def forget(self, job: ErasureJob) -> dict[str, Any]: ...


ParticipantFactory = Callable[["Workspace"], ErasureParticipant]


class RowsParticipant:
    """A participant for a data-store table that names subjects by pseudonym: an erasure deletes
    their rows (after the data store's own step, as the table is in that store). Subclasses set
    ``name``, ``table``, ``column`` and the ``result`` key; ``holds`` is the table."""

    name: str
    table: sa.Table
    column: str = "pseudonym"
    #: the key of the count in the step's result, e.g. ``sessions_deleted``
    result: str = "rows_deleted"
    after: tuple[str, ...] = ("data",)

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.holds: tuple[str, ...] = (self.table.name,)

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        pseudonyms = list(job.pseudonyms)
        if not pseudonyms:
            return {self.result: 0}
        with self.ws.transaction() as conn:
            done = conn.execute(self.table.delete().where(self.table.c[self.column].in_(pseudonyms)))
        return {self.result: int(done.rowcount or 0)}


class ParticipantRegistry:
    """Participant factories by name; :meth:`build` orders them (see there)."""

    def __init__(self) -> None:
        self._factories: dict[str, ParticipantFactory] = {}

    def register(self, name: str, factory: ParticipantFactory) -> None:
        """Add a participant: a factory ``(ws) -> participant`` whose participant is called ``name``."""
        if name in self._factories:
            raise ValueError(f"an erasure participant named {name!r} is already registered")
        self._factories[name] = factory

    def replace(self, name: str, factory: ParticipantFactory) -> None:
        """Swap the factory of a registered participant (e.g. a test's stand-in for a busy store)."""
        if name not in self._factories:
            raise ValueError(f"no erasure participant named {name!r} is registered")
        self._factories[name] = factory

    def register_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Add every participant registered as an entry point of ``group`` (by name).

        A factory that cannot be imported fails here, before anything is erased: a store
        that holds subject data is never skipped silently.
        """
        for ep in sorted(metadata.entry_points(group=group), key=lambda e: e.name):
            self.register(ep.name, ep.load())

    def names(self) -> list[str]:
        return list(self._factories)

    def build(self, ws: Workspace) -> list[ErasureParticipant]:
        """The participants for ``ws`` in their defined order: each after those it names in
        ``after`` (when registered); among those free to go, the first registered first."""
        built: dict[str, ErasureParticipant] = {}
        for name, factory in self._factories.items():
            participant = factory(ws)
            if participant.name != name:
                raise ValueError(f"erasure participant {name!r} calls itself {participant.name!r}")
            built[name] = participant
        ordered: list[ErasureParticipant] = []
        placed: set[str] = set()
        while len(ordered) < len(built):
            ready = [
                p
                for p in built.values()
                if p.name not in placed and all(d in placed or d not in built for d in p.after)
            ]
            if not ready:
                waiting = sorted(set(built) - placed)
                raise ValueError(f"erasure participants wait for each other in a cycle: {waiting}")
            ordered.append(ready[0])
            placed.add(ready[0].name)
        return ordered
