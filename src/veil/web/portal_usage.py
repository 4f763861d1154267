"""Every use of a subject's data, in plain language (the portal's usage receipt).

The audit log names each entry that included a subject (``AuditLog.for_subject``; what
:func:`veil.rights.access.export_subject` returns as ``usage``). Here each becomes one
sentence a person can read, with its date and, where there is one, its purpose. An action
without its own sentence is still listed, by its name, so nothing is left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Use", "describe_model", "describe_uses"]

#: Action (or the start of one, ending in ".") -> the sentence.
_SENTENCES: dict[str, str] = {
    "dataset.ingest": "Your data was loaded into the data set {dataset}.",
    "dataset.release": "Records about you were released from {dataset} for the purpose {purpose}.",
    "dataset.classify": "The columns of {dataset}, which holds data about you, were classified.",
    "consent.grant": "Your consent to {purpose} was recorded.",
    "consent.withdraw": "Your withdrawal of consent to {purpose} was recorded.",
    "consent.import": "A consent decision of yours was imported.",
    "subject.export": "A copy of everything held about you was made.",
    "subject.erase": "Your data was erased.",
    "request.create": "Your request was recorded.",
    "request.transition": "Your request moved on.",
    "request.extend": "The deadline of your request was extended, and you were told why.",
    "dp.": "You were counted, with others, in a privacy-protected statistic ({purpose}); "
    "no record about you alone was shown.",
    "ml.train": "A model was trained on data that included yours ({purpose}).",
    "ml.retrain": "A model was trained again on data that included yours ({purpose}).",
    "ml.model.score": "A model scored a record about you ({purpose}).",
    "ml.model.delete": "A model trained on your data was deleted.",
    "ml.audit_model": "A model trained on your data was checked for what it remembers.",
    "ml.fairness": "A model trained on your data was checked for fairness.",
    "pii.": "Personal details about you were found and masked in a text.",
    "portal.": "You signed in to this portal.",
    "breach.assessed": "A personal data breach was assessed and your records were among those involved.",
    "breach.told": "You were told about a personal data breach that exposed data of yours.",
}


@dataclass(frozen=True, slots=True)
class Use:
    when: str
    sentence: str
    action: str
    purpose: str | None


def _sentence(action: str) -> str | None:
    if action in _SENTENCES:
        return _SENTENCES[action]
    for prefix, sentence in _SENTENCES.items():
        if prefix.endswith(".") and action.startswith(prefix):
            return sentence
    return None


def describe_uses(usage: Sequence[Mapping[str, Any]]) -> list[Use]:
    """The usage entries, newest first, each as a sentence."""
    out: list[Use] = []
    for entry in usage:
        action = str(entry.get("action", ""))
        purpose = entry.get("purpose")
        dataset = entry.get("dataset")
        template = _sentence(action)
        if template is None:
            text = f"Your data was used ({action})."
        else:
            text = template.format(purpose=purpose or "no stated purpose", dataset=dataset or "a data set")
        out.append(Use(str(entry.get("ts", ""))[:19].replace("T", " "), text, action, purpose))
    return sorted(out, key=lambda u: u.when, reverse=True)


def describe_model(model: Mapping[str, Any]) -> str:
    """One sentence for a model trained on the subject (``export_subject``'s ``models``)."""
    name = model.get("model") or model.get("name") or "a model"
    purpose = model.get("purpose")
    why = f" for {purpose}" if purpose else ""
    if model.get("subject_erased_since_training"):
        return (
            f"The model {name} was trained{why} on your data before it was erased. It still holds what it "
            "learnt from you, and is marked out of date until it is trained again without you or deleted."
        )
    if model.get("stale"):
        return (
            f"The model {name} was trained{why} on data that included yours; it is marked out of date "
            "(someone's data was erased since) until it is trained again or deleted."
        )
    return f"The model {name} was trained{why} on data that included yours."
