"""The GenAI patent recount over PatentsView's granted-patent tables, in DuckDB SQL (one pass per table).

Input: the unzipped ``.tsv`` of ``g_cpc_current``, ``g_patent``, ``g_application``, ``g_inventor_disambiguated``,
``g_assignee_disambiguated``, ``g_location_disambiguated`` and ``g_cpc_title`` (PatentsView's layout: tab-separated,
a header row, text in double quotes with ``""`` for a quote inside, so tabs and newlines may sit inside a title).
Every column is read as text (``all_varchar``) and only the columns used are touched.

1. ``g_cpc_current`` rows under ``G06N3/`` are kept (the one scan of the largest table); a patent is a GenAI patent
   when one of its ``cpc_group`` values is a code of the definition. Codes under ``G06N3/`` that ``g_cpc_title``
   does not list are reported (``outside_scheme``).
2. Its grant year is ``patent_date``'s year (``g_patent``; withdrawn patents, ``withdrawn`` = 1, are not counted),
   its filing year ``filing_date``'s year (``g_application``; NULL when that is not a date).
3. Inventor country: ``disambig_country`` of each inventor's ``location_id`` (``g_location_disambiguated``). Whole
   counting: a patent counts once for every country among its inventors; fractional: each inventor carries 1/n of
   the patent (n = its inventor rows), so a country gets k/n for k of its inventors; inventors without a located
   country keep their share out of every country (``unlocated``).
4. Assignee: each ``assignee_id`` of ``g_assignee_disambiguated`` with its organisation (or individual name) and
   the country of its ``location_id`` on that patent; whole counting over all grant years.

DuckDB runs with ``memory_limit`` (2 GB by default) and a ``temp_directory`` so joins and aggregates spill to disk.
:func:`recount` returns plain Python lists, deterministic (sorted; fractional sums rounded to 6 decimals).
Errors: duckdb.Error (a missing column names it: PatentsView renamed one), OSError for a missing file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

TABLES = ("g_cpc_current", "g_patent", "g_application", "g_inventor_disambiguated", "g_assignee_disambiguated",
          "g_location_disambiguated", "g_cpc_title")


@dataclass
class Recount:
    """Results. ``totals``: (date_basis, year, patents); ``countries``: (date_basis, counting, country, year,
    patents); ``assignees``: (assignee_id, name, country or None, first_year, last_year, patents); ``titles``:
    {code: title printed in g_cpc_title}; ``outside_scheme``: [(code, rows)]; ``counts``: named tallies
    (genai patents, withdrawn, unlocated inventors, patents without a located inventor, without assignee, without
    a filing year)."""

    totals: list[tuple] = field(default_factory=list)
    countries: list[tuple] = field(default_factory=list)
    assignees: list[tuple] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    outside_scheme: list[tuple] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _csv(path: Path) -> str:
    p = str(path).replace("'", "''")
    return f"read_csv('{p}', delim='\\t', quote='\"', escape='\"', header=true, all_varchar=true)"


def connect(memory_limit: str = "2GB", temp_directory: Path | None = None, threads: int | None = None):
    """A DuckDB connection with the memory cap and a spill folder."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit='{memory_limit}'")
    con.execute("SET preserve_insertion_order=false")
    if temp_directory is not None:
        Path(temp_directory).mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory='{str(temp_directory).replace(chr(39), chr(39) * 2)}'")
    if threads:
        con.execute(f"SET threads={int(threads)}")
    return con


def _literal_list(codes: list[str]) -> str:
    return ", ".join("'" + c.replace("'", "''") + "'" for c in codes)


def stage(con, paths: dict[str, Path], codes: list[str]) -> None:
    """Create the temp tables ``cpc`` (G06N3 rows), ``genai`` (patent_id, grant_year, filing_year) and ``inv``
    (patent_id, country, n) in ``con``: the scan, joins and filter every figure is grouped from."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cpc AS
        SELECT patent_id, cpc_group FROM {_csv(paths['g_cpc_current'])} WHERE starts_with(cpc_group, 'G06N3/')""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE hits AS
        SELECT DISTINCT patent_id FROM cpc WHERE cpc_group IN ({_literal_list(codes)})""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE pat AS
        SELECT p.patent_id, TRY_CAST(substr(p.patent_date, 1, 4) AS INTEGER) AS grant_year,
               coalesce(p.withdrawn, '0') = '1' AS withdrawn
        FROM {_csv(paths['g_patent'])} p SEMI JOIN hits h ON p.patent_id = h.patent_id""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE genai AS
        WITH app AS (
          SELECT a.patent_id, min(TRY_CAST(substr(a.filing_date, 1, 4) AS INTEGER)) AS filing_year
          FROM {_csv(paths['g_application'])} a SEMI JOIN hits h ON a.patent_id = h.patent_id
          GROUP BY a.patent_id)
        SELECT pat.patent_id, grant_year, filing_year FROM pat LEFT JOIN app USING (patent_id)
        WHERE NOT withdrawn""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE inv AS
        WITH i AS (
          SELECT i.patent_id, i.location_id FROM {_csv(paths['g_inventor_disambiguated'])} i
          SEMI JOIN genai g ON i.patent_id = g.patent_id),
        loc AS (SELECT location_id, nullif(disambig_country, '') AS country
                FROM {_csv(paths['g_location_disambiguated'])})
        SELECT i.patent_id, loc.country, count(*) OVER (PARTITION BY i.patent_id) AS n
        FROM i LEFT JOIN loc ON i.location_id = loc.location_id""")


_COUNTRY_SQL = """
WITH k AS (SELECT patent_id, country, count(*) AS k, any_value(n) AS n FROM inv WHERE country IS NOT NULL
           GROUP BY patent_id, country)
SELECT 'grant_year' AS b, country, grant_year AS y, count(*) AS whole, sum(k / n) AS frac
FROM k JOIN genai USING (patent_id) WHERE grant_year IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'filing_year', country, filing_year, count(*), sum(k / n)
FROM k JOIN genai USING (patent_id) WHERE filing_year IS NOT NULL GROUP BY ALL"""

_ASSIGNEE_STAGE = """CREATE OR REPLACE TEMP TABLE asg AS
  SELECT a.patent_id, nullif(a.assignee_id, '') AS assignee_id,
         coalesce(nullif(a.disambig_assignee_organization, ''),
                  nullif(trim(concat_ws(' ', nullif(a.disambig_assignee_individual_name_first, ''),
                                        nullif(a.disambig_assignee_individual_name_last, ''))), '')) AS name,
         a.location_id
  FROM {assignee} a SEMI JOIN genai g ON a.patent_id = g.patent_id"""

_ASSIGNEE_SQL = """
WITH a AS (SELECT * FROM asg WHERE assignee_id IS NOT NULL),
loc AS (SELECT location_id, nullif(disambig_country, '') AS country FROM {location})
SELECT a.assignee_id, min(a.name) AS name, loc.country, min(g.grant_year), max(g.grant_year),
       count(DISTINCT a.patent_id)
FROM a JOIN genai g USING (patent_id) LEFT JOIN loc ON a.location_id = loc.location_id
GROUP BY a.assignee_id, loc.country ORDER BY a.assignee_id, loc.country NULLS LAST"""


def _tallies(con) -> dict[str, int]:
    patents = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE grant_year IS NULL), count(*) FILTER (WHERE filing_year IS NULL),"
        " (SELECT count(*) FROM pat WHERE withdrawn) FROM genai").fetchone()
    inventors = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE country IS NULL), (SELECT count(*) FROM genai g WHERE NOT "
        "EXISTS (SELECT 1 FROM inv WHERE inv.patent_id = g.patent_id AND inv.country IS NOT NULL)) FROM inv"
    ).fetchone()
    names = ("genai_patents", "no_grant_year", "no_filing_year", "withdrawn", "inventor_rows", "unlocated_inventors",
             "patents_without_located_inventor")
    return dict(zip(names, (*patents, *inventors), strict=True))


def recount(paths: dict[str, Path], codes: list[str], *, memory_limit: str = "2GB",
            temp_directory: Path | None = None, threads: int | None = None) -> Recount:
    """Count the GenAI patents of ``codes`` (CPC group symbols) in the tables at ``paths`` (keys of
    :data:`TABLES`). See module docstring for what each figure counts."""
    con = connect(memory_limit, temp_directory, threads)
    try:
        stage(con, paths, codes)
        out = Recount()
        out.totals = sorted(con.execute(
            "SELECT 'grant_year', grant_year, count(*) FROM genai WHERE grant_year IS NOT NULL GROUP BY ALL "
            "UNION ALL SELECT 'filing_year', filing_year, count(*) FROM genai WHERE filing_year IS NOT NULL "
            "GROUP BY ALL").fetchall())
        for b, country, year, whole, frac in con.execute(_COUNTRY_SQL).fetchall():
            out.countries += [(b, "whole", country, year, float(whole)), (b, "fractional", country, year,
                                                                          round(float(frac), 6))]
        out.countries.sort()
        con.execute(_ASSIGNEE_STAGE.format(assignee=_csv(paths["g_assignee_disambiguated"])))
        out.assignees = con.execute(_ASSIGNEE_SQL.format(location=_csv(paths["g_location_disambiguated"]))).fetchall()
        out.titles = dict(con.execute(
            f"SELECT cpc_group, any_value(cpc_group_title) FROM {_csv(paths['g_cpc_title'])} "
            f"WHERE starts_with(cpc_group, 'G06N3/') GROUP BY cpc_group").fetchall())
        out.outside_scheme = sorted((code, n) for code, n in con.execute(
            "SELECT cpc_group, count(*) FROM cpc GROUP BY cpc_group").fetchall() if code not in out.titles)
        out.counts = _tallies(con) | {"patents_without_assignee": con.execute(
            "SELECT count(*) FROM genai g WHERE NOT EXISTS (SELECT 1 FROM asg a WHERE a.patent_id = g.patent_id "
            "AND a.assignee_id IS NOT NULL)").fetchone()[0]}
        return out
    finally:
        con.close()
