"""Quoting for the DuckDB SQL the release steps build (views, diffs, exports): one place, standard SQL rules."""
from __future__ import annotations


def quote_identifier(name: str) -> str:
    """``name`` as a double-quoted SQL identifier (``a"b`` -> ``"a""b"``)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """``text`` as a single-quoted SQL string literal (``it's`` -> ``'it''s'``)."""
    return "'" + text.replace("'", "''") + "'"
