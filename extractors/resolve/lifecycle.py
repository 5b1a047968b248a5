"""The status of an instrument on any day, from its stages (``policy_events``): one rule set, in DuckDB SQL.

:data:`STATUS_MACRO` defines the table macro ``policy_status_on(d)`` over the tables ``policies``,
``policy_events`` and ``sources``. The same text derives ``policies.status`` when a release is built
(:func:`derive_status`, for the build day) and is stored in every release database, so
``SELECT * FROM policy_status_on(DATE '2025-06-01')`` answers for any day and agrees with ``policies.status`` on
``status_as_of`` (tested).

Rules, on day ``d``, in order (a stage counts when its date is on or before ``d``; a month- or year-precise date
counts from the first day of its period):

1. **Precedence per stage.** For each instrument, stage and scope, only the stages stated by the highest-precedence
   role that states it are used: primary legal record, then registry, then report (``sources.role``); the others
   stay in ``policy_events`` as printed (:func:`stage_disagreements` flags those that disagree).
2. **Ended**: the latest of revoked, repealed, expired, withdrawn -> that status.
3. **In force**: it entered into force, or a part applies -> ``partly_in_force`` while an entry-into-force or
   application stage is still ahead, else ``in_force``.
4. **Adopted**: adopted, signed, promulgated or published -> ``adopted`` (not yet in force, or no entry into force
   stated: an executive order's effect on signing is not assumed).
5. **Proposed**: proposed, introduced or passed by one chamber -> ``proposed``.
6. Dated stages, all later than ``d`` -> NULL (not yet). No dated stage -> ``status_stated`` (what the mentions
   state, issue "Live sources"), when the instrument was issued on or before ``d`` or its date is unknown.
"""
from __future__ import annotations

import datetime as dt

import schemas
from extractors.core.records import flag_row

STATUS_MACRO = """CREATE OR REPLACE MACRO policy_status_on(d) AS TABLE
WITH ranked AS (
    SELECT e.policy_id, e.event, e.event_on,
           CASE s.role WHEN 'legal_record' THEN 1 WHEN 'registry' THEN 2 WHEN 'report' THEN 3 ELSE 4 END AS role_rank,
           min(CASE s.role WHEN 'legal_record' THEN 1 WHEN 'registry' THEN 2 WHEN 'report' THEN 3 ELSE 4 END)
               OVER (PARTITION BY e.policy_id, e.event, coalesce(e.scope, '')) AS best_rank
    FROM policy_events e JOIN sources s ON s.source_id = e.source_id
    WHERE e.event_on IS NOT NULL
), stages AS (
    SELECT policy_id,
        arg_max(event, event_on) FILTER (WHERE event IN ('revoked', 'repealed', 'expired', 'withdrawn')
                                         AND event_on <= d) AS ended_by,
        max(event_on) FILTER (WHERE event IN ('revoked', 'repealed', 'expired', 'withdrawn') AND event_on <= d)
            AS ended_on,
        min(event_on) FILTER (WHERE event IN ('entered_into_force', 'applies_from') AND event_on <= d) AS force_on,
        max(event_on) FILTER (WHERE event IN ('entered_into_force', 'applies_from') AND event_on <= d) AS force_last,
        count(*) FILTER (WHERE event IN ('entered_into_force', 'applies_from') AND event_on > d) AS ahead,
        max(event_on) FILTER (WHERE event IN ('adopted', 'signed', 'promulgated', 'published') AND event_on <= d)
            AS adopted_on,
        max(event_on) FILTER (WHERE event IN ('proposed', 'introduced', 'passed') AND event_on <= d) AS proposed_on
    FROM ranked WHERE role_rank = best_rank
    GROUP BY policy_id
)
SELECT p.policy_id, p.jurisdiction, p.title,
    CASE
        WHEN s.ended_on IS NOT NULL THEN s.ended_by
        WHEN s.force_on IS NOT NULL THEN CASE WHEN s.ahead > 0 THEN 'partly_in_force' ELSE 'in_force' END
        WHEN s.adopted_on IS NOT NULL THEN 'adopted'
        WHEN s.proposed_on IS NOT NULL THEN 'proposed'
        WHEN s.policy_id IS NOT NULL THEN NULL
        WHEN p.issued_on IS NULL OR p.issued_on <= d THEN p.status_stated
    END AS status,
    CASE WHEN s.policy_id IS NOT NULL THEN 'events' ELSE 'mentions' END AS status_basis,
    CASE
        WHEN s.ended_on IS NOT NULL THEN s.ended_on
        WHEN s.force_on IS NOT NULL THEN CASE WHEN s.ahead > 0 THEN s.force_on ELSE s.force_last END
        WHEN s.adopted_on IS NOT NULL THEN s.adopted_on
        ELSE s.proposed_on
    END AS status_since
FROM policies p LEFT JOIN stages s ON s.policy_id = p.policy_id
"""

COUNTRY_TIMELINE = """CREATE OR REPLACE VIEW country_timeline AS
SELECT p.jurisdiction, e.event_on, e.event_precision, e.event, e.scope, p.policy_id, p.title, p.title_en,
       p.instrument_type, e.event_printed, e.related_identifier, e.source_id, e.source_locator, e.non_commercial
FROM policy_events e JOIN policies p ON p.policy_id = e.policy_id
ORDER BY p.jurisdiction, e.event_on NULLS LAST, p.policy_id, e.event
"""
TIMELINE_COMMENT = ("Every stage of every instrument of a jurisdiction in date order (undated stages last): the "
                    "policy_events of this release with the policy's title and type.")


def derive_status(tables: dict[str, list[dict]], as_of: dt.date) -> dict[str, tuple[str | None, str]]:
    """{policy_id: (status, status_basis)} on ``as_of`` by :data:`STATUS_MACRO`, over the rows of ``policies``
    (with ``status_stated``), ``policy_events`` and ``sources`` in ``tables``. Raises duckdb.Error on a bug."""
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    try:
        for name in ("policies", "policy_events", "sources"):
            arrow = pa.Table.from_pylist(tables[name], schema=schemas.arrow_schema(name))
            con.register(f"{name}_rows", arrow)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_rows")
        con.execute(STATUS_MACRO)
        rows = con.execute("SELECT policy_id, status, status_basis FROM policy_status_on(?)", [as_of]).fetchall()
    finally:
        con.close()
    return {pid: (status, basis) for pid, status, basis in rows}


def apply_status(tables: dict[str, list[dict]], as_of: dt.date) -> None:
    """Set ``status``, ``status_basis`` and ``status_as_of`` of every ``policies`` row (in place); the status the
    mentions state must already be in ``status_stated``."""
    derived = derive_status(tables, as_of)
    for p in tables["policies"]:
        p["status"], p["status_basis"] = derived[p["policy_id"]]
        p["status_as_of"] = as_of


_PRECISION = {"day": 3, "month": 2, "year": 1}


def _differ(a: dict, b: dict) -> bool:
    """Two dates of one stage disagree at the coarser of their precisions (2024-08 agrees with 2024-08-01)."""
    both = min(_PRECISION.get(a["event_precision"], 1), _PRECISION.get(b["event_precision"], 1))
    x, y = a["event_on"], b["event_on"]
    return x.year != y.year or (both >= 2 and x.month != y.month) or (both >= 3 and x.day != y.day)


def stage_disagreements(events: list[dict], roles: dict[str, str]) -> list[dict]:
    """``sources_disagree`` flags (warning) for a stage (instrument, event, scope) whose dates differ between
    sources (at the coarser precision of the two), naming every printed date, source and locator and the one
    rule 1 uses."""
    rank = {"legal_record": 1, "registry": 2, "report": 3}
    groups: dict[tuple, list[dict]] = {}
    for e in events:
        if e["event_on"] is not None:
            groups.setdefault((e["policy_id"], e["event"], e["scope"] or ""), []).append(e)
    flags = []
    for (pid, event, scope), group in sorted(groups.items()):
        group.sort(key=lambda e: (rank.get(roles.get(e["source_id"], "report"), 4), e["source_id"],
                                  e["source_locator"]))
        best = group[0]
        odd = [e for e in group if e["source_id"] != best["source_id"] and _differ(best, e)]
        if not odd:
            continue
        printed = "; ".join(f"{e['event_printed']!r} ({e['source_id']} {e['source_locator']})" for e in [best, *odd])
        flags.append(flag_row(best["source_id"], "policy_events", pid, "sources_disagree",
                              f"{event}{' (' + scope + ')' if scope else ''}: sources give different dates: "
                              f"{printed}; status uses {best['event_printed']!r} ({roles.get(best['source_id'])})",
                              best["source_locator"]))
    return flags
