"""GenAI patents in a release: the reported figures beside the open recount, the definition in the codebook, and
a short section of the release page.

:func:`create_reconciliation` adds the view ``patent_reconciliation`` to ``atlas.duckdb``: one row per reported
country total (``patent_counts`` rows with ``patent_families`` and no applicant: the report's WIPO figures), with
the recount beside it — granted US patents of the same country (inventor location) whose filing year falls in
the reported period, summed over the recount's yearly rows, whole and fractional — and both bases stated in
words. Differences are data, not errors: WIPO counts patent families filed anywhere, the recount counts granted
US patents by a CPC definition. The recount columns are NULL in a release without the ``patentsview`` source.

:func:`codebook_markdown` is the codebook's section on the GenAI patent definition (from
``extractors/patentsview/definition.yaml``) and on the view; :func:`page_section` the page's figures.
"""
from __future__ import annotations

from pathlib import Path

from warehouse.release.sql import quote_literal

RECONCILIATION = "patent_reconciliation"
RECOUNT_SOURCE = "patentsview"

_SQL = """
WITH reported AS (
  SELECT jurisdiction, period_start, period_end, patent_families, basis, publisher, source_id
  FROM {t} WHERE patent_families IS NOT NULL AND applicant IS NULL AND jurisdiction IS NOT NULL),
recount AS (
  SELECT r.jurisdiction, r.period_start, r.period_end,
    sum(c.patents) FILTER (WHERE c.counting = 'whole') AS us_grants_whole,
    sum(c.patents) FILTER (WHERE c.counting = 'fractional') AS us_grants_fractional,
    min(c.definition_version) AS definition_version, max(c.data_release) AS data_release
  FROM reported r JOIN {t} c ON c.jurisdiction = r.jurisdiction AND c.source_id = '{recount}'
    AND c.basis = 'inventor_location' AND c.date_basis = 'filing_year'
    AND c.period_start BETWEEN r.period_start AND r.period_end
  GROUP BY ALL)
SELECT r.jurisdiction, r.period_start, r.period_end,
  r.patent_families AS reported_families,
  'patent families worldwide, by ' || replace(r.basis, '_', ' ') || ', ' || r.period_start || '-' || r.period_end
    || ' (' || r.publisher || ', as printed in source ' || r.source_id || ')' AS reported_basis,
  round(c.us_grants_whole, 6) AS recount_us_grants_whole,
  round(c.us_grants_fractional, 6) AS recount_us_grants_fractional,
  CASE WHEN c.jurisdiction IS NOT NULL THEN
    'granted US patents (USPTO PatentsView) with a CPC code of definition ' || c.definition_version
    || ', by inventor country, filing years ' || r.period_start || '-' || r.period_end
    || '; whole counting (one per patent per inventor country) and fractional (inventor shares)' END
    AS recount_basis,
  c.definition_version, c.data_release,
  round(c.us_grants_whole / nullif(r.patent_families, 0), 4) AS whole_to_reported
FROM reported r LEFT JOIN recount c USING (jurisdiction, period_start, period_end)
ORDER BY r.patent_families DESC, r.jurisdiction"""

_COMMENT = (
    "The report's GenAI patent families per country (WIPO figures as printed) beside the open recount of granted "
    "US patents (USPTO PatentsView, source patentsview) for the same country and filing years, whole and "
    "fractional counting, each basis stated in words. Different bases: a difference is data, not an error. "
    "Recount columns are NULL when the release has no recount.")
COLUMNS = {
    "jurisdiction": "ISO 3166-1 alpha-2 of the reported country.",
    "period_start": "First year of the reported period (the recount sums filing years from here).",
    "period_end": "Last year of the reported period.",
    "reported_families": "GenAI patent families as the report printed them (patent_counts.patent_families).",
    "reported_basis": "What the reported figure counts, in words (attribution, period, publisher, source).",
    "recount_us_grants_whole": "Granted US patents of the recount: whole counting, summed over the period.",
    "recount_us_grants_fractional": "Granted US patents of the recount: fractional counting (inventor shares).",
    "recount_basis": "What the recount counts, in words; NULL without a recount.",
    "definition_version": "Version of the GenAI definition the recount used (codebook, 'GenAI patent definition').",
    "data_release": "Release date of the PatentsView data counted.",
    "whole_to_reported": "recount_us_grants_whole / reported_families (4 decimals): a ratio of two bases.",
}


def reconciliation_sql(table: str = "patent_counts") -> str:
    """The view's SELECT over ``table`` (a table name or a ``read_parquet(...)`` expression)."""
    return _SQL.format(t=table, recount=RECOUNT_SOURCE)


def create_reconciliation(con) -> str:
    """Create (or replace) ``patent_reconciliation`` with its comments in ``con`` (which holds
    ``patent_counts``); returns the view name."""
    con.execute(f"CREATE OR REPLACE VIEW {RECONCILIATION} AS {reconciliation_sql()}")
    con.execute(f"COMMENT ON VIEW {RECONCILIATION} IS {quote_literal(_COMMENT)}")
    for col, text in COLUMNS.items():
        con.execute(f'COMMENT ON COLUMN {RECONCILIATION}."{col}" IS {quote_literal(text)}')
    return RECONCILIATION


def codebook_markdown() -> str:
    """The codebook's sections on the GenAI patent definition and the reconciliation view (Markdown)."""
    from extractors.patentsview import config

    d = config.definition()
    lines = ["", "## GenAI patent definition (recount)", "",
             f"Version `{d.version}`, {d.scheme}: {d.description}", "",
             "| CPC code | title (CPC scheme) | counted |", "|---|---|---|"]
    lines += [f"| {c.code} | {c.title} | yes |" for c in d.codes]
    lines += [f"| {c.code} | {c.title} | {'yes' if d.widened else 'no (documented widening, off)'} |"
              for c in d.widening]
    if d.rationale:
        lines += ["", f"Widening: {d.rationale}"]
    lines += ["", "Each recount row of `patent_counts` states what it counted (`counted`, `basis`, `counting`, "
              "`date_basis`, `definition_version`, `data_release`). Titles are checked against `g_cpc_title` of "
              "the same PatentsView release; a difference is a `definition_title_mismatch` quality flag.", "",
              f"## View `{RECONCILIATION}`", "", _COMMENT, "", "| column | description |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in COLUMNS.items()]
    return "\n".join(lines) + "\n"


def page_section(release_dir: Path) -> dict:
    """The page's patent section: the definition in words and the reconciliation rows (empty without a
    recount, when ``patent_counts.parquet`` is missing, or in a release older than the recount columns)."""
    import duckdb

    from extractors.patentsview import config

    path = Path(release_dir) / "patent_counts.parquet"
    rows = []
    if path.exists():
        table = f"read_parquet({quote_literal(str(path))})"
        with duckdb.connect() as con:
            try:
                rows = con.execute(f"SELECT jurisdiction, period_start, period_end, reported_families, "
                                   f"recount_us_grants_whole, recount_us_grants_fractional FROM "
                                   f"({reconciliation_sql(table)}) WHERE recount_basis IS NOT NULL").fetchall()
            except duckdb.BinderException:      # a release made before the recount columns existed
                rows = []
    return {"definition": config.definition().words(), "rows": rows}
