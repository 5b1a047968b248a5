"""Convenience views in a release database (``atlas.duckdb``), defined in pure SQL over the dataset tables.

:func:`create_country_profile` adds ``country_profile``: one row per jurisdiction with its policy counts (in
total, per instrument type, GenAI-specific), the first and latest issue dates, its GenAI patent families and
the number of market figures about it. The instrument-type columns are generated from the contract's enum
(``schemas/tables.yaml``), so a new type becomes a new column; the view itself reads only the tables.
"""
from __future__ import annotations

import re

import schemas
from warehouse.release.sql import quote_identifier, quote_literal

COUNTRY_PROFILE = "country_profile"

_VIEW_COMMENT = (
    "One row per jurisdiction found in policies, patent_counts (reported families) or market_figures (scope; WLD "
    "excluded): policy counts in total, per instrument type and GenAI-specific; first and latest issued_on; GenAI "
    "patent families (country total, and the sum over its top applicants); number of market figures. Built from the "
    "tables of this release.")




def instrument_columns() -> dict[str, str]:
    """Instrument type -> its count column in ``country_profile`` (``policies_<type>``)."""
    types = schemas.table("policies").column("instrument_type").enum or ()
    return {t: "policies_" + re.sub(r"[^0-9a-z]+", "_", t.lower()).strip("_") for t in types}


def country_profile_sql() -> str:
    """The ``CREATE OR REPLACE VIEW country_profile`` statement."""
    per_type = ",\n    ".join(
        f"count(*) FILTER (WHERE instrument_type = {quote_literal(t)}) AS {quote_identifier(col)}"
        for t, col in instrument_columns().items())
    per_type_out = ",\n  ".join(f"coalesce(p.{quote_identifier(col)}, 0) AS {quote_identifier(col)}"
                                for col in instrument_columns().values())
    return f"""CREATE OR REPLACE VIEW {COUNTRY_PROFILE} AS
WITH jurisdictions AS (
  SELECT jurisdiction FROM policies
  UNION SELECT jurisdiction FROM patent_counts WHERE patent_families IS NOT NULL
  UNION SELECT scope AS jurisdiction FROM market_figures WHERE scope <> 'WLD'
),
pol AS (
  SELECT jurisdiction,
    count(*) AS policies,
    {per_type},
    count(*) FILTER (WHERE genai_specific) AS genai_specific_policies,
    min(issued_on) AS first_issued_on,
    max(issued_on) AS latest_issued_on
  FROM policies GROUP BY jurisdiction
),
pat AS (
  SELECT jurisdiction,
    sum(patent_families) FILTER (WHERE applicant IS NULL) AS patent_families,
    sum(patent_families) FILTER (WHERE applicant IS NOT NULL) AS top_applicant_patent_families,
    count(*) FILTER (WHERE applicant IS NOT NULL) AS top_applicants
  FROM patent_counts WHERE patent_families IS NOT NULL GROUP BY jurisdiction
),
mkt AS (
  SELECT scope AS jurisdiction, count(*) AS market_figures
  FROM market_figures WHERE scope <> 'WLD' GROUP BY scope
)
SELECT j.jurisdiction,
  coalesce(p.policies, 0) AS policies,
  {per_type_out},
  coalesce(p.genai_specific_policies, 0) AS genai_specific_policies,
  p.first_issued_on,
  p.latest_issued_on,
  CAST(t.patent_families AS BIGINT) AS patent_families,
  CAST(t.top_applicant_patent_families AS BIGINT) AS top_applicant_patent_families,
  coalesce(t.top_applicants, 0) AS top_applicants,
  coalesce(m.market_figures, 0) AS market_figures
FROM jurisdictions j
LEFT JOIN pol p USING (jurisdiction)
LEFT JOIN pat t USING (jurisdiction)
LEFT JOIN mkt m USING (jurisdiction)
ORDER BY j.jurisdiction"""


def _column_comments() -> dict[str, str]:
    comments = {
        "jurisdiction": "ISO 3166-1 alpha-2, EU or INT (policies.jurisdiction, patent_counts.jurisdiction, "
                        "market_figures.scope except WLD).",
        "policies": "Number of policy instruments of the jurisdiction.",
    }
    comments.update({col: f"Number of policies with instrument_type = {t}."
                     for t, col in instrument_columns().items()})
    comments.update({
        "genai_specific_policies": "Number of policies with genai_specific = true.",
        "first_issued_on": "Earliest issued_on of its policies (NULL when none is dated).",
        "latest_issued_on": "Latest issued_on of its policies (NULL when none is dated).",
        "patent_families": "GenAI patent families of the country: sum of its country-total rows "
                           "(patent_counts with applicant NULL and patent_families set: reported families; the "
                           "recount of granted US patents is in patent_reconciliation); NULL when no source gives "
                           "a total.",
        "top_applicant_patent_families": "Sum of patent_families of its applicants listed in patent_counts "
                                         "(a source's top-applicant ranking); NULL when none is listed.",
        "top_applicants": "Number of its applicants listed in patent_counts.",
        "market_figures": "Number of market_figures rows whose scope is the jurisdiction.",
    })
    return comments


def create_country_profile(con) -> str:
    """Create (or replace) the ``country_profile`` view with its comments in the DuckDB connection ``con``,
    which must hold the ``policies``, ``patent_counts`` and ``market_figures`` tables. Returns the view name."""
    con.execute(country_profile_sql())
    con.execute(f"COMMENT ON VIEW {COUNTRY_PROFILE} IS {quote_literal(_VIEW_COMMENT)}")
    for col, text in _column_comments().items():
        con.execute(f"COMMENT ON COLUMN {COUNTRY_PROFILE}.{quote_identifier(col)} IS {quote_literal(text)}")
    return COUNTRY_PROFILE


def create_lifecycle(con) -> list[str]:
    """Create the table macro ``policy_status_on(d)`` (the status rules of :mod:`extractors.resolve.lifecycle`,
    the same text that derived ``policies.status``) and the ``country_timeline`` view in ``con``, which must
    hold ``policies``, ``policy_events`` and ``sources``. Returns the view names."""
    from extractors.resolve.lifecycle import COUNTRY_TIMELINE, STATUS_MACRO, TIMELINE_COMMENT

    con.execute(STATUS_MACRO)
    con.execute(COUNTRY_TIMELINE)
    con.execute(f"COMMENT ON VIEW country_timeline IS {quote_literal(TIMELINE_COMMENT)}")
    return ["country_timeline"]
