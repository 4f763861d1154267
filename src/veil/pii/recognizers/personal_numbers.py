"""What the recognizers of countries' personal numbers share (``european_ids``, ``world_ids``).

Most personal numbers are a run of digits whose check digit a random run passes about one time
in ten, so a number is reported next to a word that names it: its pattern scores
:data:`NEEDS_LABEL`, below the engine's floor (0.5), and a naming word adds :data:`LABEL_BOOST`,
which lifts it to 0.8, over a phone number's reading of the same digits (0.75). A word that names
something else near it (:data:`NOT_AN_ID`: an order, an invoice, a phone) lowers it.
"""

from __future__ import annotations

from collections.abc import Callable

from veil.pii.recognizers.common import terms

__all__ = ["LABEL_BOOST", "NEEDS_LABEL", "NOT_AN_ID", "stdnum_valid"]

NOT_AN_ID = terms(
    "order|invoice|ref|reference|tracking|ticket|transaction|serial|phone|tel|mobile|fax|amount|iban|account"
)
NEEDS_LABEL = 0.3
LABEL_BOOST = 0.5


def stdnum_valid(is_valid: Callable[[str], bool], text: str) -> bool:
    """python-stdnum's ``is_valid`` on ``text``; a number it cannot read is not valid (a date it
    cannot build raises a ValueError, as its own errors do)."""
    try:
        return bool(is_valid(text))
    except ValueError:
        return False
