"""What leaked, as plain specs: the input of a breach assessment.

A spec is a short string, so the CLI, the API and the register store the same thing (JSON list
of strings; never personal data):

* ``dataset:NAME`` — the rows of one dataset as stored (a dump of its table);
* ``data-store`` — the whole data store (every dataset, the subject table, consent events);
* ``key-store`` — the key store file (wrapped per-subject keys; useless without a KEK);
* ``kek:VERSION`` — one version of the key-encryption key (from the key file or environment);
* ``backup:PATH`` — a data backup file (AES-256-GCM under a key wrapped by the KEK);
* ``release:SEQ`` — the file a release wrote, named by its audit entry's number;
* ``access:ACTOR@FROM..TO`` — everything an actor read in a time window (ISO-8601 times), as
  the audit log records it (a stolen credential, a rogue insider).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from veil import clock
from veil.errors import InputError

__all__ = ["Leak", "LeakKind", "parse_leak", "parse_leaks"]

LeakKind = Literal["dataset", "data-store", "key-store", "kek", "backup", "release", "access"]
_BARE: tuple[LeakKind, ...] = ("data-store", "key-store")
_WITH_VALUE: tuple[LeakKind, ...] = ("dataset", "kek", "backup", "release", "access")


@dataclass(frozen=True, slots=True)
class Leak:
    kind: LeakKind
    value: str = ""
    #: for ``access``: the actor and the window
    actor: str = ""
    start: str = ""
    end: str = ""

    @property
    def spec(self) -> str:
        return self.kind if not self.value else f"{self.kind}:{self.value}"


def _iso(text: str, what: str) -> str:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"{what} {text!r} is not an ISO-8601 time (e.g. 2026-12-01T08:00:00Z)") from exc
    if moment.tzinfo is None:
        raise InputError(f"{what} {text!r} needs a time zone (e.g. a trailing Z for UTC)")
    return clock.format_ts(moment)


def parse_leak(spec: str) -> Leak:
    """One spec -> :class:`Leak`; anything else is a clear :class:`InputError`."""
    text = spec.strip()
    kinds = ", ".join(f"{k}:…" for k in _WITH_VALUE) + ", " + ", ".join(_BARE)
    if text in _BARE:
        return Leak(kind=text)
    kind, sep, value = text.partition(":")
    if not sep or kind not in _WITH_VALUE or not value.strip():
        raise InputError(f"unknown leak {spec!r}: give one of {kinds}")
    value = value.strip()
    if kind == "release":
        if not value.isdigit():
            raise InputError(
                f"release:{value}: give the audit entry number of the release (`veil audit log`)"
            )
        return Leak(kind="release", value=str(int(value)))
    if kind == "backup":
        return Leak(kind="backup", value=str(Path(value).expanduser()))
    if kind == "access":
        actor, at, window = value.rpartition("@")
        times = window.split("..")
        if not at or not actor.strip() or len(actor) > 128 or len(times) != 2:
            raise InputError(f"access:{value}: write it ACTOR@FROM..TO with ISO-8601 times")
        start, end = _iso(times[0], "FROM"), _iso(times[1], "TO")
        if datetime.fromisoformat(start) > datetime.fromisoformat(end):
            raise InputError(f"access:{value}: the window ends before it starts")
        return Leak(kind="access", value=value, actor=actor.strip(), start=start, end=end)
    return Leak(kind=kind, value=value)


def parse_leaks(specs: list[str] | tuple[str, ...]) -> list[Leak]:
    if not specs:
        raise InputError("say what leaked: at least one --leak (e.g. --leak dataset:visits)")
    leaks = [parse_leak(s) for s in specs]
    seen: dict[str, Leak] = {}
    for leak in leaks:
        seen.setdefault(leak.spec, leak)
    return list(seen.values())
