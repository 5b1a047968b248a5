"""Reading AGORA's CSV files (``documents.csv``, ``authorities.csv``) with the csv module: UTF-8 with a byte-order
mark, quoted fields that run over several lines; each record comes with the line range it spans in the file,
which is what a ``source_locator`` (``agora/documents.csv L79-89``) names."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from extractors.core.fetch import FetchError, SchemaDrift

from extractors.agora.config import SOURCE_ID


def decode(name: str, body: bytes, url: str) -> str:
    """``body`` as text (UTF-8, a leading byte-order mark dropped). Raises FetchError naming the member."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FetchError(SOURCE_ID, url, f"{name} is not UTF-8 text ({exc})") from exc


def header(text: str) -> list[str]:
    """The first record of a CSV text: its column names ([] for an empty file)."""
    return next(csv.reader(io.StringIO(text, newline="")), [])


def check_columns(name: str, body: bytes, url: str, required: tuple[str, ...]) -> None:
    """Raise SchemaDrift (source, ``url``, the member and the first missing column) when the header of ``name``
    lacks one of ``required``; a renamed column upstream reads as a missing one."""
    columns = header(decode(name, body, url))
    missing = [c for c in required if c not in columns]
    if missing:
        raise SchemaDrift(SOURCE_ID, url, f"{name} has no column {missing[0]!r}"
                          + (f" (nor {', '.join(map(repr, missing[1:]))})" if len(missing) > 1 else "")
                          + f"; its header has {len(columns)} columns: {', '.join(columns[:12])}"
                          + (" ..." if len(columns) > 12 else ""))


def records(text: str) -> Iterator[tuple[int, int, dict[str, str]]]:
    """(first line, last line, {column: value}) of every record after the header; lines are 1-based lines of the
    file split at ``\\n`` (a record with a multi-line quoted field spans several). Short rows get "" for the
    missing columns."""
    reader = csv.reader(io.StringIO(text, newline=""))
    columns = next(reader, [])
    last = reader.line_num
    for row in reader:
        first, last = last + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        yield first, last, {c: (row[i] if i < len(row) else "") for i, c in enumerate(columns)}
