"""Disclosure-control workflows over a workspace: read a dataset through Veil, classify its
quasi-identifiers from the dataset's column categories, check its risk (``check``), apply a
recoding (``apply``), attack the output and sign a release certificate. The mathematics live in
``veil.anonymity``.
"""
