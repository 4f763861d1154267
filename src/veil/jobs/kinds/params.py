"""Typed reading of a job's JSON parameters: each kind parses them into a frozen dataclass
before it is queued and again when it runs, so a bad request fails at submission."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from veil.errors import InputError

__all__ = ["ParamReader"]

_MISSING: Any = object()


class ParamReader:
    """Reads one kind's parameters; :meth:`done` refuses any key it was not asked for."""

    def __init__(self, kind: str, params: Mapping[str, Any]) -> None:
        if not isinstance(params, Mapping):
            raise InputError(f"the parameters of a {kind} job must be a JSON object")
        self.kind = kind
        self.params = params
        self.seen: set[str] = set()

    def _get(self, name: str, default: Any) -> Any:
        self.seen.add(name)
        if name in self.params and self.params[name] is not None:
            return self.params[name]
        if default is _MISSING:
            raise InputError(f"a {self.kind} job needs the parameter {name!r}")
        return default

    def _bad(self, name: str, what: str) -> InputError:
        return InputError(f"parameter {name!r} of a {self.kind} job must be {what}")

    def text(self, name: str, default: Any = _MISSING) -> Any:
        value = self._get(name, default)
        if value is not None and (not isinstance(value, str) or not value or len(value) > 4096):
            raise self._bad(name, "a non-empty string")
        return value

    def integer(self, name: str, default: Any = _MISSING, *, low: int | None = None) -> Any:
        value = self._get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or (low is not None and value < low):
            raise self._bad(name, "an integer" + (f" of at least {low}" if low is not None else ""))
        return value

    def number(self, name: str, default: Any = _MISSING) -> Any:
        value = self._get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self._bad(name, "a finite number")
        return float(value)

    def flag(self, name: str, default: bool) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise self._bad(name, "true or false")
        return value

    def names(self, name: str) -> tuple[str, ...] | None:
        value = self._get(name, None)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self._bad(name, "a list of names")
        return tuple(value)

    def done(self) -> None:
        unknown = sorted(set(self.params) - self.seen)
        if unknown:
            raise InputError(f"unknown parameter(s) of a {self.kind} job: {', '.join(unknown)}")
