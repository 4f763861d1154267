"""A schema file: the user's overrides of column categories and types, and DP settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from veil.errors import InputError
from veil.vault.category import ColumnCategory

__all__ = ["SCHEMA_TYPES", "SchemaFile"]

#: Value types a schema file may declare (sealed columns are always stored as text).
SCHEMA_TYPES = ("int", "float", "bool", "date", "timestamp", "text")


@dataclass(frozen=True, slots=True)
class SchemaFile:
    """User overrides of column categories and types, and optionally the subject column.

    Accepts YAML or JSON (``.yaml``, ``.yml``, ``.json``). A column maps to a category,
    or to ``{category: ..., type: ...}`` where either key may be left out::

        subject_column: patient_id
        columns:
          email: direct_identifier
          zip: {category: quasi_identifier, type: text}   # keep leading zeros
          notes: free_text
          visits: {type: int}
        dp:                                   # differential-privacy settings (veil dataset set)
          max_rows_per_subject: 5
          max_groups_per_subject: 1
          bounds: {length_of_stay: [0, 60]}
          keys: {sex: [F, M]}

    The ``dp`` section is kept as given and applied by ``veil ingest`` after the data is in
    (see ``veil.dp.policy``).
    """

    columns: Mapping[str, ColumnCategory]
    subject_column: str | None = None
    types: Mapping[str, str] = field(default_factory=dict)
    dp: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> SchemaFile:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read schema file {path}: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise InputError(f"schema file {path} is not valid YAML/JSON: {exc}") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("columns", {}), dict):
            raise InputError(f"schema file {path} must be a mapping with a 'columns' mapping")
        columns: dict[str, ColumnCategory] = {}
        types: dict[str, str] = {}
        for col, spec in (raw.get("columns") or {}).items():
            value = spec.get("category") if isinstance(spec, dict) else spec
            if isinstance(spec, dict) and spec.get("type") is not None:
                if spec["type"] not in SCHEMA_TYPES:
                    raise InputError(
                        f"schema file {path}: column {col!r} has unknown type {spec['type']!r}; use one of "
                        + ", ".join(SCHEMA_TYPES)
                    )
                types[str(col)] = str(spec["type"])
            if value is None and str(col) in types:
                continue
            try:
                columns[str(col)] = ColumnCategory(str(value))
            except ValueError:
                raise InputError(
                    f"schema file {path}: column {col!r} has unknown category {value!r}; use one of "
                    + ", ".join(c.value for c in ColumnCategory)
                ) from None
        subject = raw.get("subject_column")
        dp = raw.get("dp") or {}
        known = {"max_rows_per_subject", "max_groups_per_subject", "bounds", "keys"}
        if not isinstance(dp, dict) or set(dp) - known:
            raise InputError(f"schema file {path}: 'dp' takes only: {', '.join(sorted(known))}")
        return cls(columns=columns, subject_column=str(subject) if subject else None, types=types, dp=dp)
