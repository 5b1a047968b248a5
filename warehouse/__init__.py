"""Curated and publish stages: staging Parquet, validation hand-off, immutable releases."""
