"""Policy instruments named in running text, headings and slides -> ``policy_mentions`` rows.

(Being written: see issue 3.)
"""
from __future__ import annotations


def extract_mentions(ex, lines: list[str], spec: dict) -> None:
    """Append a ``policy_mentions`` row to ``ex`` for every policy the prose of ``lines`` names."""
    return None
