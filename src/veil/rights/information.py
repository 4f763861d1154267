"""The Art. 15(1) information that goes with an access package, from what the workspace records.

Each section is ``{"recorded": [...], "statement": "..."}``: what Veil holds on the point and
one sentence that says plainly what it does not know. Where Veil records nothing, the list is
empty and the statement says "none recorded" (never a guess): the controller completes it
from their records of processing.

* (a) purposes and (d) retention: the workspace's purposes, their lawful basis and storage
  period, with the subject's consent state for each;
* (b) categories of personal data: the columns, by category, of the datasets holding the
  subject's records (names and categories, never values);
* (c) recipients and Art. 15(2) transfers: not recorded by Veil (releases are, in the usage
  receipt, but not to whom they went);
* (e)/(f) the subject's rights and the right to complain to a supervisory authority;
* (g) source: the datasets the records were ingested into; the origin is not recorded;
* (h) automated decision-making: none recorded; the models trained on the subject are listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from veil.consent.purpose import PurposeRegistry
from veil.vault.dataset import DatasetCatalog

if TYPE_CHECKING:
    from veil.rights.access import SubjectExport
    from veil.workspace import Workspace

__all__ = ["NONE_RECORDED", "SECTIONS", "information"]

NONE_RECORDED = "none recorded"

#: The sections, in the order of Art. 15.
SECTIONS = (
    "purposes",
    "categories_of_data",
    "recipients",
    "retention",
    "rights",
    "source",
    "automated_decision_making",
    "transfers",
)

_RIGHTS = [
    {"right": "rectification", "article": "GDPR Art. 16", "how": "ask the controller to correct your data"},
    {"right": "erasure", "article": "GDPR Art. 17", "how": "make an erasure request"},
    {"right": "restriction", "article": "GDPR Art. 18", "how": "make a restriction request"},
    {"right": "objection", "article": "GDPR Art. 21", "how": "make an objection request"},
    {"right": "portability", "article": "GDPR Art. 20", "how": "make a portability request"},
    {"right": "withdraw consent", "article": "GDPR Art. 7(3)", "how": "make a consent withdrawal request"},
    {
        "right": "lodge a complaint",
        "article": "GDPR Art. 77",
        "how": "with the supervisory authority of your residence, work or the alleged infringement",
    },
]


def _section(recorded: list[dict[str, Any]], statement: str) -> dict[str, Any]:
    return {"recorded": recorded, "statement": statement}


def information(ws: Workspace, export: SubjectExport) -> dict[str, dict[str, Any]]:
    """The Art. 15(1) information for the subject of ``export`` (see the module docstring)."""
    used = {u.get("purpose") for u in export.usage if u.get("purpose")}
    purposes = PurposeRegistry(ws).list()
    purpose_rows = [
        {
            "name": p.name,
            "description": p.description or NONE_RECORDED,
            "lawful_basis": p.basis.value,
            "retention_days": p.retention_days,
            "consent": export.consent_state.get(p.name),
            "used_with_your_data": p.name in used,
        }
        for p in purposes
    ]
    held = set(export.datasets)
    categories = [
        {"dataset": ds.name, "column": c.name, "category": c.category.value}
        for ds in DatasetCatalog(ws).list()
        if ds.name in held
        for c in ds.columns
    ]
    retention = [{"purpose": p.name, "retention_days": p.retention_days} for p in purposes]
    models = [
        {
            "model": m.get("model"),
            "version": m.get("version"),
            "purpose": m.get("purpose"),
            "stale": m.get("stale"),
        }
        for m in export.models
    ]
    return {
        "purposes": _section(
            purpose_rows,
            "the purposes this workspace processes personal data for" if purpose_rows else NONE_RECORDED,
        ),
        "categories_of_data": _section(
            categories,
            "the columns, by category, of the datasets that hold records about you"
            if categories
            else NONE_RECORDED,
        ),
        "recipients": _section(
            [],
            f"{NONE_RECORDED}: Veil records each release of data (see usage) but not to whom it was given",
        ),
        "retention": _section(
            retention,
            "data is kept for each purpose for the number of days shown, then erased"
            if retention
            else NONE_RECORDED,
        ),
        "rights": _section(_RIGHTS, "the rights you have over your data"),
        "source": _section(
            [{"dataset": name} for name in sorted(held)],
            (
                "the datasets your records were loaded into; where the data was obtained is not "
                "recorded by Veil"
            )
            if held
            else NONE_RECORDED,
        ),
        "automated_decision_making": _section(
            models,
            f"{NONE_RECORDED}: Veil records no automated decision about you; "
            + (
                "the models listed were trained on your data"
                if models
                else "no model was trained on your data"
            ),
        ),
        "transfers": _section([], f"{NONE_RECORDED}: Veil records no transfer to a third country"),
    }
