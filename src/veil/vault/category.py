"""Column categories: what a column can reveal, and which categories are sealed.

:class:`ColumnClass` is a category with its reason (never a value); a category that the
values set aside (yes/no flags, a handful of codes) ``holds_while`` they stay so, and the
column becomes ``otherwise`` once a value is neither (see :class:`~veil.vault.column_watch.ColumnWatch`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = ["ENCRYPTED_CATEGORIES", "HOLDS_WHILE_TEXT", "ColumnCategory", "ColumnClass", "HoldsWhile"]


class ColumnCategory(StrEnum):
    SUBJECT_ID = "subject_id"
    DIRECT_IDENTIFIER = "direct_identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    SENSITIVE = "sensitive"
    FREE_TEXT = "free_text"
    OTHER = "other"


#: Categories sealed in the vault under the subject's data key.
ENCRYPTED_CATEGORIES = frozenset({ColumnCategory.DIRECT_IDENTIFIER, ColumnCategory.FREE_TEXT})

#: What a category set aside by the values relied on: the values stay yes/no flags, or a
#: handful of short repeated codes.
HoldsWhile = Literal["flags", "codes"]


@dataclass(frozen=True, slots=True)
class ColumnClass:
    """A column's category and why (never a value).

    ``holds_while``/``otherwise``: the category stands only while the values stay flags or
    codes; once a value is neither, the column becomes ``otherwise`` (what its name says).
    """

    category: ColumnCategory
    reason: str
    holds_while: HoldsWhile | None = None
    otherwise: ColumnCategory | None = None


#: How a reason names what the values are while a category holds.
HOLDS_WHILE_TEXT: dict[HoldsWhile, str] = {"flags": "yes/no flags", "codes": "a handful of repeated codes"}
