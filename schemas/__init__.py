"""The data contract: table and column definitions, loaded once from ``tables.yaml``.

Everything that needs a table's shape derives it from here: the Parquet schema (:func:`arrow_schema`),
the DuckDB DDL (:func:`duckdb_ddl`), the expectation suites (``expectations.suites``) and the codebook
(:func:`codebook_markdown`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CONTRACT_FILE = Path(__file__).with_name("tables.yaml")
CODEBOOK_TEMPLATE = Path(__file__).parent / "templates" / "codebook.md.j2"

# DuckDB type name -> pyarrow type factory name. Kept small on purpose: the contract uses only these.
_ARROW_TYPES = {
    "VARCHAR": "string",
    "INTEGER": "int32",
    "BIGINT": "int64",
    "DOUBLE": "float64",
    "BOOLEAN": "bool_",
    "DATE": "date32",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    description: str = ""
    enum: tuple[str, ...] | None = None
    vocabulary: str | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")


def _column(spec: dict[str, Any]) -> Column:
    if spec["type"] not in _ARROW_TYPES:
        raise ValueError(f"column {spec['name']!r}: unsupported type {spec['type']!r}")
    enum = spec.get("enum")
    return Column(
        name=spec["name"],
        type=spec["type"],
        nullable=bool(spec.get("nullable", True)),
        description=spec.get("description", ""),
        enum=tuple(enum) if enum else None,
        vocabulary=spec.get("vocabulary"),
        min=spec.get("min"),
        max=spec.get("max"),
        pattern=spec.get("pattern"),
    )


@lru_cache(maxsize=1)
def _contract() -> tuple[str, dict[str, Table]]:
    raw = yaml.safe_load(CONTRACT_FILE.read_text(encoding="utf-8"))
    tables = {
        name: Table(
            name=name,
            description=spec["description"],
            primary_key=tuple(spec["primary_key"]),
            columns=tuple(_column(c) for c in spec["columns"]),
        )
        for name, spec in raw["tables"].items()
    }
    return str(raw["schema_version"]), tables


def schema_version() -> str:
    """SemVer of the data contract (major bump = breaking column change)."""
    return _contract()[0]


def tables() -> dict[str, Table]:
    """All dataset tables by name, in contract order."""
    return dict(_contract()[1])


def table(name: str) -> Table:
    """One table definition. Raises KeyError naming the table when it is not in the contract."""
    try:
        return _contract()[1][name]
    except KeyError:
        raise KeyError(f"no table {name!r} in {CONTRACT_FILE.name}") from None


def arrow_schema(name: str):
    """pyarrow schema of a dataset table (nullability and descriptions carried as field metadata)."""
    import pyarrow as pa

    fields = []
    for col in table(name).columns:
        pa_type = getattr(pa, _ARROW_TYPES[col.type])()
        fields.append(pa.field(col.name, pa_type, nullable=col.nullable,
                               metadata={"description": col.description}))
    return pa.schema(fields, metadata={"table": name, "description": table(name).description,
                                       "schema_version": schema_version()})


def duckdb_ddl(name: str) -> str:
    """``CREATE TABLE`` statement for a dataset table, with NOT NULL and the primary key."""
    tbl = table(name)
    cols = [f'"{c.name}" {c.type}{"" if c.nullable else " NOT NULL"}' for c in tbl.columns]
    cols.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in tbl.primary_key) + ")")
    return f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(cols) + "\n)"


def duckdb_comments(name: str) -> list[str]:
    """``COMMENT ON`` statements carrying the contract's descriptions into the database."""
    def quote(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    tbl = table(name)
    out = [f'COMMENT ON TABLE "{name}" IS {quote(tbl.description)}']
    out += [f'COMMENT ON COLUMN "{name}"."{c.name}" IS {quote(c.description)}' for c in tbl.columns]
    return out


def codebook_markdown() -> str:
    """The codebook: every table and column of the contract as Markdown, rendered from
    ``schemas/templates/codebook.md.j2`` (Jinja2, no autoescape): per table its description, primary key and a
    column table (name, type, nullable, rule = enum / vocabulary / range / pattern, description)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(CODEBOOK_TEMPLATE.parent), autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    used = {c.name for t in tables().values() for c in t.columns}
    vocabularies = {name: v for name, v in value_definitions().items() if name in used}
    return env.get_template(CODEBOOK_TEMPLATE.name).render(schema_version=schema_version(),
                                                           tables=list(tables().values()), vocabularies=vocabularies)


VOCABULARY_DIR = Path(__file__).parent / "vocabularies"


@lru_cache(maxsize=1)
def value_definitions() -> dict[str, dict[str, dict]]:
    """Column name -> value -> its definition, from ``schemas/vocabularies/<column>s.yaml``:
    ``instrument_types.yaml`` (``types:`` maps each value to ``definition``, ``examples``, ``oecd_ai`` and
    ``agora``) and ``metrics.yaml`` (``values:`` maps each market_figures.metric to ``definition``, ``unit``,
    ``related`` and ``examples``)."""
    types = yaml.safe_load((VOCABULARY_DIR / "instrument_types.yaml").read_text(encoding="utf-8"))
    metrics = yaml.safe_load((VOCABULARY_DIR / "metrics.yaml").read_text(encoding="utf-8"))
    return {"instrument_type": types["types"], "metric": metrics["values"]}


@lru_cache(maxsize=1)
def jurisdiction_codes() -> frozenset[str]:
    """The contract's ``jurisdiction`` vocabulary: ISO 3166-1 alpha-2 codes (pycountry) plus EU and INT."""
    import pycountry

    return frozenset({c.alpha_2 for c in pycountry.countries} | {"EU", "INT"})


# UN M49 codes of the continental regions statistics report figures for (Our World in Data prints them as
# entities without a code): https://unstats.un.org/unsd/methodology/m49/
M49_REGIONS = {"002": "Africa", "009": "Oceania", "019": "Americas", "021": "Northern America", "142": "Asia",
               "150": "Europe", "419": "Latin America and the Caribbean"}


def vocabulary(name: str) -> list[str]:
    """The sorted values of one of the contract's named vocabularies: ``jurisdiction``, or ``scope``
    (jurisdictions plus WLD, the world, and the UN M49 region codes of :data:`M49_REGIONS`). Raises KeyError
    for any other name."""
    if name == "jurisdiction":
        return sorted(jurisdiction_codes())
    if name == "scope":
        return sorted(jurisdiction_codes() | {"WLD"} | set(M49_REGIONS))
    raise KeyError(f"unknown vocabulary {name!r}")
