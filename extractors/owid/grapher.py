"""Reading one grapher chart's pair of files: ``<slug>.metadata.json`` and ``<slug>.csv``.

The CSV has the columns ``Entity, Code, Year`` and one column per indicator (the format is described in the
readme.md of every OWID data package). An indicator column's header is its long name (a display title that
changes when OWID edits the indicator's metadata) or, with ``useColumnShortNames=true``, its short name; the
metadata's ``columns`` mapping is keyed the same way and gives each column's ``owidVariableId``, ``shortName``,
``titleShort``, ``unit``, ``citationShort`` and ``lastUpdated`` (owid-grapher ``assembleMetadata``). A header is
mapped to its metadata entry by key or by ``shortName``, never by a looser match; rows are keyed on
``owidVariableId``, which survives renames.

Used at fetch time (a broken response never becomes a snapshot) and at extraction. Errors name source, URL and
field: :class:`FetchError` for a body that is not JSON / UTF-8, :class:`SchemaDrift` for a missing ``columns``
mapping, ``owidVariableId`` or ``shortName``, a missing ``Entity``/``Code``/``Year`` column (a chart by ``Day``
is not supported), or a CSV column the metadata does not describe.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Iterator

from extractors.core.fetch import FetchError, SchemaDrift
from extractors.owid.config import SOURCE_ID

ID_COLUMNS = ("Entity", "Code", "Year")
VOLATILE_METADATA_KEYS = ("dateDownloaded",)   # the day of the request (owid-grapher assembleMetadata)


@dataclass(frozen=True)
class Column:
    """One indicator column of a chart CSV with what its metadata says: ``header`` as printed in the CSV, its
    position ``index``, ``variable_id`` (owidVariableId), ``short_name``, ``title`` (titleShort, else titleLong),
    ``unit`` as printed (``constant 2021 US$``), ``citation`` (citationShort) and ``last_updated`` (ISO date)."""

    header: str
    index: int
    variable_id: int
    short_name: str
    title: str | None
    unit: str | None
    citation: str | None
    last_updated: str | None


def read_metadata(body: bytes, url: str) -> dict:
    """The parsed ``.metadata.json``. Raises FetchError when it is not valid JSON, SchemaDrift when it has no
    ``columns`` mapping or a column lacks an integer ``owidVariableId`` or a ``shortName``."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(SOURCE_ID, url, f"response is not valid JSON ({exc})") from exc
    columns = data.get("columns") if isinstance(data, dict) else None
    if not isinstance(columns, dict) or not columns:
        raise SchemaDrift(SOURCE_ID, url, "metadata has no 'columns' mapping (field 'columns')")
    for name, col in columns.items():
        variable = col.get("owidVariableId") if isinstance(col, dict) else None
        if not isinstance(variable, int) or isinstance(variable, bool):
            raise SchemaDrift(SOURCE_ID, url, f"metadata column {name!r} has no integer 'owidVariableId'")
        if not isinstance(col.get("shortName"), str) or not col["shortName"]:
            raise SchemaDrift(SOURCE_ID, url, f"metadata column {name!r} has no 'shortName'")
    return data


def last_updated(metadata: dict) -> dict[int, str | None]:
    """{owidVariableId: lastUpdated} of every column of a checked metadata (see :func:`read_metadata`)."""
    return {col["owidVariableId"]: col.get("lastUpdated") for col in metadata["columns"].values()}


def stable_metadata(body: bytes) -> bytes:
    """The metadata without its volatile keys (``dateDownloaded``), canonically serialised: two answers that
    differ only in the day they were requested compare equal. A body that is not a JSON object is returned as
    it is."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body
    if not isinstance(data, dict):
        return body
    stable = {k: v for k, v in data.items() if k not in VOLATILE_METADATA_KEYS}
    return json.dumps(stable, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _text(body: bytes, url: str) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FetchError(SOURCE_ID, url, f"CSV is not UTF-8 text ({exc})") from exc


def columns(csv_body: bytes, metadata: dict, csv_url: str) -> list[Column]:
    """The indicator columns of a chart CSV, each mapped to its metadata entry (by key, else by ``shortName``).
    Raises SchemaDrift naming the field: a missing ``Entity``/``Code``/``Year`` column, a CSV column that is not
    in the metadata's ``columns``; FetchError when the CSV is not UTF-8."""
    header = next(csv.reader(io.StringIO(_text(csv_body, csv_url))), [])
    missing = [c for c in ID_COLUMNS if c not in header]
    if missing:
        raise SchemaDrift(SOURCE_ID, csv_url, f"CSV has no {missing[0]!r} column (header: {', '.join(header)})")
    entries = metadata["columns"]
    by_short = {col["shortName"]: col for col in entries.values()}
    out = []
    for index, name in enumerate(header):
        if name in ID_COLUMNS:
            continue
        col = entries.get(name) or by_short.get(name)
        if col is None:
            raise SchemaDrift(SOURCE_ID, csv_url, f"CSV column {name!r} is not among the metadata's columns "
                              f"({', '.join(entries)}) by name or shortName")
        out.append(Column(header=name, index=index, variable_id=col["owidVariableId"], short_name=col["shortName"],
                          title=col.get("titleShort") or col.get("titleLong"), unit=col.get("unit") or None,
                          citation=col.get("citationShort"), last_updated=col.get("lastUpdated")))
    return out


def rows(csv_body: bytes, csv_url: str) -> Iterator[tuple[int, dict[str, str], list[str]]]:
    """The data rows of a chart CSV: (line number, {Entity, Code, Year}, all cells as printed). The line is the
    1-based line of the file the row ends on (the header is line 1)."""
    reader = csv.reader(io.StringIO(_text(csv_body, csv_url), newline=""))
    header = next(reader, [])
    where = {c: header.index(c) for c in ID_COLUMNS}
    for cells in reader:
        if not cells:
            continue
        yield reader.line_num, {c: cells[i] if i < len(cells) else "" for c, i in where.items()}, cells
