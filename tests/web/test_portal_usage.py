"""Uses of a subject's data in plain language: every audit action gets a sentence (or its
name), newest first; a model's status after the subject's erasure is said plainly."""

from __future__ import annotations

from veil.web.portal_usage import describe_model, describe_uses


def test_each_use_is_a_sentence_newest_first() -> None:
    uses = describe_uses(
        [
            {
                "ts": "2026-01-02T10:00:00Z",
                "action": "dataset.release",
                "purpose": "research",
                "dataset": "people",
            },
            {"ts": "2026-01-03T10:00:00Z", "action": "dp.query", "purpose": "research", "dataset": "people"},
            {"ts": "2026-01-01T10:00:00Z", "action": "ml.train", "purpose": "churn", "dataset": "people"},
            {"ts": "2026-01-04T10:00:00Z", "action": "something.new", "purpose": None, "dataset": None},
        ]
    )
    assert [u.when for u in uses] == [
        "2026-01-04 10:00:00",
        "2026-01-03 10:00:00",
        "2026-01-02 10:00:00",
        "2026-01-01 10:00:00",
    ]
    assert uses[0].sentence == "Your data was used (something.new)."
    assert "counted, with others" in uses[1].sentence and "research" in uses[1].sentence
    assert uses[2].sentence == "Records about you were released from people for the purpose research."
    assert uses[3].sentence == "A model was trained on data that included yours (churn)."


def test_model_status_after_erasure() -> None:
    model = {"model": "churn", "purpose": "retention", "stale": True, "subject_erased_since_training": True}
    assert "before it was erased" in describe_model(model) and "out of date" in describe_model(model)
    other = {"model": "churn", "purpose": "retention", "stale": True, "subject_erased_since_training": False}
    assert "someone's data was erased" in describe_model(other)
    fresh = {"model": "churn", "purpose": "retention", "stale": False}
    assert describe_model(fresh) == "The model churn was trained for retention on data that included yours."
