"""Disclosure-risk mathematics over pandas DataFrames: equivalence classes, privacy models
(k-anonymity, k-map, ℓ-diversity, t-closeness, δ-presence, β-likeness, δ-disclosure), ARX's
re-identification risk figures, population-uniqueness estimators, SUDA, and the recodings
(hierarchies, Mondrian, lattice search, microaggregation, suppression) with their utility.

Imports nothing of Veil but the foundations (``veil.errors``, ``veil.error_codes``,
``veil.schema``), so the Release gate in ``veil.vault`` can enforce k with it.
"""
