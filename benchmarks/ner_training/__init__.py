"""Fine-tuning spaCy's small English NER on public web and social training splits (see SOURCE.md)."""
