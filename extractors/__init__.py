"""Extraction stage: source snapshots -> report tables as printed -> dataset rows (see schemas/)."""
