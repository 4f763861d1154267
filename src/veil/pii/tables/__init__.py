"""PII in files: scan columns, detect per document, mask and unmask whole files.

Four file kinds, all streamed in batches (memory stays flat in the file size):

* ``.txt`` / ``.log``: **one document per line** (log lines, one message each). Line
  endings and blank lines are kept; entity offsets are into the line without its ending.
* ``.jsonl`` / ``.ndjson``: one JSON object per line; a text field holds the document.
* ``.csv`` / ``.tsv`` and ``.parquet``: tables; a column holds the documents.

Three modules, imported by what they do:

* :mod:`veil.pii.tables.files` — file kinds, streamed reading, the table writer;
* :mod:`veil.pii.tables.scan` — ``scan_table`` / ``scan_sample`` (each column's entity
  types and category from a sample), ``detect_file`` (entities per document),
  ``PiiColumnClassifier`` (the vault's column classifier at ingest);
* :mod:`veil.pii.tables.masking` — ``mask_table`` and ``unmask_table`` (whole files,
  audit-logged with counts by type, never values).
"""
