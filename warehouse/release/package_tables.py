"""The contract tables in a release's data package: Frictionless Table Schemas and CSV files.

* :func:`table_schema` -> a ``frictionless.Schema`` per contract table, built from ``frictionless.fields``
  objects with the contract's types, descriptions and constraints;
* :func:`export_csv` -> ``data/<table>.csv`` from ``<table>.parquet`` with DuckDB's ``COPY ... (FORMAT csv)``:
  UTF-8, RFC 4180 with CRLF line ends, a header row in contract column order, NULL as an empty field, booleans
  ``true``/``false``, dates ISO ``YYYY-MM-DD``, numbers in Python's shortest round-trip form (``38210.0``,
  ``1e+16``; ``NaN``, ``INF``, ``-INF``), a field quoted only when it holds a comma, quote or line break.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import schemas
from schemas import vocabulary
from warehouse.release.sql import quote_identifier, quote_literal

if TYPE_CHECKING:
    import duckdb
    import frictionless


class PackageError(RuntimeError):
    """The release cannot be packaged (input missing or not matching the contract, output already present,
    generated package invalid). The message names the file, table or column."""


# DuckDB type (the contract's type names) -> Table Schema field type.
FIELD_TYPES = {
    "VARCHAR": "string",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "DOUBLE": "number",
    "BOOLEAN": "boolean",
    "DATE": "date",
}


# --- Table Schema from the contract ---------------------------------------------------------------------------

def table_schema_pattern(pattern: str) -> str:
    """Contract regex (Python, anchored with ``^...$``) -> Table Schema ``pattern``.

    Table Schema patterns are XML Schema regular expressions, implicitly anchored to the whole value: the
    anchors are dropped and non-capturing groups ``(?:`` become plain groups (same matches).
    """
    out = pattern
    if out.startswith("^"):
        out = out[1:]
    if out.endswith("$") and not out.endswith("\\$"):
        out = out[:-1]
    return out.replace("(?:", "(")


def constraints(col: schemas.Column, *, in_primary_key: bool = False) -> dict:
    """Table Schema constraints of one contract column: ``required`` for a non-nullable or primary-key column;
    ``enum`` from the contract's enum or vocabulary; ``pattern`` (:func:`table_schema_pattern`); ``minimum`` /
    ``maximum`` (int for an integer column). Raises KeyError for an unknown vocabulary."""
    def bound(value: float) -> int | float:
        return int(value) if FIELD_TYPES[col.type] == "integer" else value

    out: dict = {}
    if not col.nullable or in_primary_key:
        out["required"] = True
    if col.enum:
        out["enum"] = list(col.enum)
    elif col.vocabulary:
        out["enum"] = vocabulary(col.vocabulary)
    if col.pattern:
        out["pattern"] = table_schema_pattern(col.pattern)
    if col.min is not None:
        out["minimum"] = bound(col.min)
    if col.max is not None:
        out["maximum"] = bound(col.max)
    return out


def table_field(col: schemas.Column, *, in_primary_key: bool = False) -> frictionless.Field:
    """The ``frictionless.fields`` object of one contract column: name, type (:data:`FIELD_TYPES`),
    description, :func:`constraints`; a date column has format ``default`` (ISO 8601 ``YYYY-MM-DD``).
    Raises KeyError for a type not in :data:`FIELD_TYPES`."""
    from frictionless import fields

    classes = {"string": fields.StringField, "integer": fields.IntegerField, "number": fields.NumberField,
               "boolean": fields.BooleanField, "date": fields.DateField}
    options = {"format": "default"} if col.type == "DATE" else {}
    return classes[FIELD_TYPES[col.type]](name=col.name, description=col.description,
                                          constraints=constraints(col, in_primary_key=in_primary_key), **options)


def table_schema(name: str) -> frictionless.Schema:
    """``frictionless.Schema`` of one contract table: fields in contract order (:func:`table_field`),
    ``primaryKey``, and ``missingValues: [""]`` (NULL is an empty CSV field). Raises KeyError for a table not
    in the contract."""
    from frictionless import Schema

    tbl = schemas.table(name)
    return Schema(fields=[table_field(c, in_primary_key=c.name in tbl.primary_key) for c in tbl.columns],
                  primary_key=list(tbl.primary_key), missing_values=[""])


# --- CSV export -----------------------------------------------------------------------------------------------



def csv_value_sql(name: str, duck_type: str) -> str:
    """SQL select item writing column ``name`` to CSV: a double (or float) as text, with NaN and infinities
    spelt as frictionless reads them (``NaN``, ``INF``, ``-INF``); other types as DuckDB writes them."""
    col = quote_identifier(name)
    if duck_type not in ("DOUBLE", "FLOAT"):
        return col
    return (f"CASE WHEN isnan({col}) THEN 'NaN' WHEN isinf({col}) THEN (CASE WHEN {col} > 0 THEN 'INF' "
            f"ELSE '-INF' END) ELSE CAST(CAST({col} AS DOUBLE) AS VARCHAR) END AS {col}")


def _first_empty_string(con: duckdb.DuckDBPyConnection, source: str, columns: dict[str, str]) -> tuple | None:
    """(column, 1-based row) of the first empty string in file order (then column order), or None."""
    texts = [c for c, t in columns.items() if t == "VARCHAR"]
    if not texts:
        return None
    union = " UNION ALL ".join(f"SELECT {i} AS pos, {quote_literal(c)} AS col, file_row_number + 1 AS row "
                               f"FROM {source} WHERE {quote_identifier(c)} = ''" for i, c in enumerate(texts))
    found = con.sql(f"SELECT col, row FROM ({union}) ORDER BY row, pos LIMIT 1").fetchall()
    return found[0] if found else None


def export_csv(parquet_file: Path, csv_file: Path, name: str) -> int:
    """Write one contract table from Parquet to CSV (format in the module docstring) with DuckDB
    ``COPY ... TO ... (FORMAT csv)``, overwriting ``csv_file`` (its folder is created). Returns the row count.

    Raises PackageError when the Parquet file is missing, its columns differ from the contract (names or
    order), or a string value is empty (it would read back as NULL; nothing is written then).
    """
    import duckdb

    if not parquet_file.exists():
        raise PackageError(f"cannot package {name}: {parquet_file} is missing")
    contract = schemas.table(name).column_names
    source = f"read_parquet({quote_literal(str(parquet_file))}, file_row_number = true)"
    con = duckdb.connect()
    try:
        columns = {r[0]: r[1] for r in con.sql(f"DESCRIBE SELECT * EXCLUDE (file_row_number) FROM {source}")
                   .fetchall()}
        if list(columns) != contract:
            raise PackageError(f"{parquet_file.name}: columns {list(columns)} differ from the contract's "
                               f"{contract}")
        empty = _first_empty_string(con, source, columns)
        if empty:
            raise PackageError(f"{name}.{empty[0]} row {empty[1]}: empty string cannot be told from NULL in CSV; "
                               f"store NULL instead")
        csv_file.parent.mkdir(parents=True, exist_ok=True)
        select = ", ".join(csv_value_sql(c, t) for c, t in columns.items())
        rows = con.execute(f"COPY (SELECT {select} FROM {source} ORDER BY file_row_number) "
                           f"TO {quote_literal(str(csv_file))} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', "
                           f"ESCAPE '\"', NULLSTR '', NEW_LINE E'\\r\\n')").fetchall()
    finally:
        con.close()
    return int(rows[0][0])
