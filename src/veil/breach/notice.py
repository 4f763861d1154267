"""Draft notices from a breach record: to the supervisory authority and to the subjects.

* :func:`authority_notice` — the Art. 33(3) content: (a) the nature of the breach with the
  categories and approximate numbers of subjects and records, (b) the DPO or contact point,
  (c) the likely consequences, (d) the measures taken or proposed; plus the timing (awareness,
  deadline, reasons for any delay) and the phased updates so far (33(4)). Every field says
  where it came from; what Veil cannot know is marked missing, never invented.
* :func:`subject_notice` — the Art. 34(2) plain-language notice for one exposed subject, naming
  what of theirs leaked in clear, what leaked only sealed, and what they can do.

Contacts come from ``[controller]`` in ``veil.toml`` (``name``, ``contact``, ``dpo``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from veil.breach.register import BreachRecord
from veil.config import read_table
from veil.errors import InputError

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["CATEGORY_WORDS", "authority_notice", "contacts", "subject_notice"]

#: How a notice names each category, in plain words.
CATEGORY_WORDS: dict[str, str] = {
    "subject_id": "the identifier we hold you under (e.g. customer or patient number)",
    "direct_identifier": "identifying details such as your name, e-mail address, phone number or ID numbers",
    "quasi_identifier": "details such as date of birth, postcode or sex",
    "sensitive": "sensitive information (for example about health)",
    "free_text": "free-text notes or messages",
    "other": "other recorded attributes",
    "financial": "financial information (for example account or card details, income)",
    "consent": "your consent choices (which uses of your data you agreed to)",
}
_CONSEQUENCES: dict[str, str] = {
    "direct_identifier": "identity theft, fraud, phishing or unwanted contact",
    "subject_id": "linking of these records to the person",
    "quasi_identifier": "re-identification when combined with other data",
    "sensitive": "discrimination, distress or reputational harm",
    "financial": "financial loss or fraud",
    "free_text": "disclosure of whatever the notes reveal about the person's life",
    "consent": "disclosure of the person's relationship with the controller",
    "other": "disclosure of the recorded attributes",
}
MISSING = "missing"


def contacts(ws: Workspace) -> dict[str, str | None]:
    """``[controller]`` name, contact and DPO from veil.toml (None where not set)."""
    raw = read_table(ws.root, "controller")
    return {k: (str(raw[k]) if raw.get(k) else None) for k in ("name", "contact", "dpo")}


def _field(value: Any, source: str, *, missing: str = "") -> dict[str, Any]:
    if value in (None, "", [], {}):
        return {"value": None, "source": MISSING, "why_missing": missing or "Veil does not record it"}
    return {"value": value, "source": source}


def authority_notice(ws: Workspace, record: BreachRecord) -> dict[str, Any]:
    if record.assessment is None:
        raise InputError(f"assess breach {record.id} first (`veil breach assess {record.id}`)")
    exposure = record.assessment["exposure"]
    severity = record.assessment["severity"]
    who = contacts(ws)
    clear = exposure["categories_in_clear"]
    consequences = sorted({_CONSEQUENCES[c] for c in clear})
    measures = [
        "fields of direct identifiers and free text are sealed per subject (AES-256-GCM, one data key each); "
        f"{exposure['subjects_unintelligible']} of {exposure['subjects']} exposed subjects had only sealed "
        "fields exposed, under keys that did not leak (Art. 34(3)(a))",
    ]
    if exposure["kek_versions_leaked"]:
        measures.append(
            "proposed: rotate the key-encryption key (`veil keys rotate`) so the leaked version wraps nothing"
        )
    updates = [{"at": e.ts, "note": e.note} for e in record.events if e.kind == "update"]
    return {
        "breach": record.id,
        "title": record.title,
        "timing": {
            "aware_at": record.aware_at,
            "deadline": record.notify_by,
            "notified_at": record.notified_at,
            "late": record.late,
            "delay_reason": record.delay_reason,
        },
        "a_nature": {
            "what_leaked": _field(record.leaks, "breach register (leak specs)"),
            "categories_of_data": _field(
                {c: n for c, n in clear.items()}, "assessment: column categories of what leaked in clear"
            ),
            "categories_sealed_only": _field(exposure["categories_sealed"], "assessment"),
            "categories_of_subjects": _field(
                None, "", missing="Veil records categories of data, not of data subjects: add them"
            ),
            "approx_subjects": _field(exposure["subjects"], "assessment: distinct pseudonyms exposed"),
            "approx_subjects_in_clear": _field(exposure["subjects_in_clear"], "assessment"),
            "approx_records": _field(exposure["records"], "assessment: stored rows exposed"),
        },
        "b_contact": {
            "controller": _field(who["name"], "veil.toml [controller] name", missing="set [controller] name"),
            "contact": _field(
                who["contact"], "veil.toml [controller] contact", missing="set [controller] contact"
            ),
            "dpo": _field(who["dpo"], "veil.toml [controller] dpo", missing="set [controller] dpo"),
        },
        "c_likely_consequences": _field(consequences, "derived from the categories exposed in clear"),
        "d_measures": _field(measures, "Veil's own measures and the assessment"),
        "severity": severity,
        "phased_updates": updates,
        "notes": exposure.get("notes", []),
    }


def subject_notice(record: BreachRecord, clear: str, sealed: str) -> str:
    """Plain-language notice for one subject (their categories only; no value, no pseudonym)."""
    leaked = [CATEGORY_WORDS[c] for c in clear.split(",") if c]
    safe = [CATEGORY_WORDS[c] for c in sealed.split(",") if c]
    if not leaked:
        raise InputError(
            "this subject had only encrypted data exposed: no notice is required (Art. 34(3)(a))"
        )
    lines = [
        "We are writing to tell you about a personal data breach that affects you.",
        "",
        f"What happened: {record.title}. We became aware of it on {record.aware_at[:10]}.",
        "",
        "What information of yours was exposed:",
        *[f"  - {item}" for item in leaked],
    ]
    if safe:
        lines += [
            "",
            "Also involved, but encrypted with a key that was not exposed (so it cannot be read):",
            *[f"  - {item}" for item in safe],
        ]
    lines += [
        "",
        "What we are doing: we have contained the incident, assessed it and informed the supervisory "
        "authority where required.",
        "",
        "What you can do: be wary of unexpected messages that use your details, do not share passwords or "
        "codes, watch your accounts for activity you do not recognise, and contact us with any question. "
        "You also have the right to lodge a complaint with a supervisory authority.",
    ]
    return "\n".join(lines) + "\n"
