"""Erasure participants: each store that holds subject-derived data forgets erased subjects.

A participant is a small object with

* ``name`` — how the pending-erasure record names its step;
* ``after`` — participants whose step must be done first (the DP mirror is rebuilt from
  the data store, so it forgets after the data store has);
* ``prepare(pseudonyms) -> payload`` — runs while the subjects' data keys still exist and
  returns what ``forget`` will need once they are gone (JSON, kept with the pending record
  in the key store; never values in clear);
* ``forget(job) -> result`` — removes the subjects. It must be idempotent (a step is run
  again after a crash) and either complete or raise :class:`veil.errors.BusyError` having
  changed nothing (the step then stays pending and is retried later).

:data:`DEFAULT_PARTICIPANTS` names the built-in participants by import path; a registry
resolves them when an erasure runs, so ``rights/`` imports none of the capabilities (PII,
DP, ML) that provide them, and an erasure loads only the stores it needs. A new store adds
one line there (or registers on a registry of its own, as the tests do).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "DEFAULT_PARTICIPANTS",
    "ErasureJob",
    "ErasureParticipant",
    "ParticipantFactory",
    "ParticipantRegistry",
]


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

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]: ...

    def forget(self, job: ErasureJob) -> dict[str, Any]: ...


ParticipantFactory = Callable[["Workspace"], ErasureParticipant]

#: The built-in participants, in the order they run: (name, "module:factory").
DEFAULT_PARTICIPANTS: tuple[tuple[str, str], ...] = (
    ("pii_tokens", "veil.pii.erasure:TokenStoreParticipant"),
    ("data", "veil.rights.erasure:DataStoreParticipant"),
    ("models", "veil.ml.erasure:ModelParticipant"),
    ("mirror", "veil.dp.erasure:MirrorParticipant"),
)


class ParticipantRegistry:
    """Participant factories by name, in registration order (``after`` may reorder)."""

    def __init__(self) -> None:
        self._factories: dict[str, ParticipantFactory | str] = {}

    @classmethod
    def default(cls) -> ParticipantRegistry:
        registry = cls()
        for name, path in DEFAULT_PARTICIPANTS:
            registry.register(name, path)
        return registry

    def register(self, name: str, factory: ParticipantFactory | str) -> None:
        """Add a participant: a factory ``(ws) -> participant`` or its ``"module:attr"`` path."""
        if name in self._factories:
            raise ValueError(f"an erasure participant named {name!r} is already registered")
        self._factories[name] = factory

    def names(self) -> list[str]:
        return list(self._factories)

    def build(self, ws: Workspace) -> list[ErasureParticipant]:
        """The participants for ``ws``, each after those it names in ``after``."""
        built: dict[str, ErasureParticipant] = {}
        for name, factory in self._factories.items():
            if isinstance(factory, str):
                module, _, attr = factory.partition(":")
                factory = getattr(importlib.import_module(module), attr)
            participant = factory(ws)
            if participant.name != name:
                raise ValueError(f"erasure participant {name!r} calls itself {participant.name!r}")
            built[name] = participant
        ordered: list[ErasureParticipant] = []
        placing: set[str] = set()

        def place(p: ErasureParticipant) -> None:
            if p in ordered:
                return
            if p.name in placing:
                raise ValueError(f"erasure participants wait for each other in a cycle at {p.name!r}")
            placing.add(p.name)
            for dep in p.after:
                if dep in built:
                    place(built[dep])
            ordered.append(p)

        for participant in built.values():
            place(participant)
        return ordered
