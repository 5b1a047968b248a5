"""Shared mechanics of every source kind: the record model and stable ids (``records``), normalisation of
jurisdictions, amounts, dates and classifications (``normalise``, vocabularies in ``rules/``) and verified
snapshots (``snapshots``). Imports nothing from ``extractors`` outside ``core``."""
