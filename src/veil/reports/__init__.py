"""Read-only reports over a workspace, for the pages and the command line.

* :mod:`veil.reports.overview` — what a DPO reads first: counts, consent coverage over time,
  privacy budgets, open data-subject requests, the audit log's state, stale models.
* :mod:`veil.reports.reveal` — staff looking up the subject id behind one pseudonym, audited.
"""
