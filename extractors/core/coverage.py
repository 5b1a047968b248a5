"""What a source covers: the ``sources`` columns ``as_of``, ``coverage_start``, ``coverage_end`` and ``coverage``.

Rules (documented in the contract, schemas/tables.yaml, and the README section "What the data covers"):

- ``as_of``, the last day the source can speak for. A snapshot's ``origin.yaml`` may state it (key ``as_of``,
  e.g. a registry's release date). Otherwise, a **document** (a report read as printed): the last day of its
  publication period (``published_on`` with ``published_precision``: the day; the month's last day; the year's
  last day). A **live source**: the earliest of the day its recorded answers were received from upstream (the
  latest ``retrieved_at`` of its files), the release date its metadata gives (``published_on``: e.g. the MOJ dump
  of UpdateDate 2024-10-11 for tw_law) and the day the version was recorded (``date_accessed``). A bundled first
  version re-records answers someone else received earlier, so ``retrieved_at`` is what dates its content.
- ``coverage_start`` / ``coverage_end``: stated in ``origin.yaml`` (keys ``coverage_start``, ``coverage_end``)
  where the source states its own period; otherwise the earliest and latest date its own rows carry, up to
  ``as_of``: the dates of the instruments it names (``policy_mentions.issued_on``) and of their stages
  (``policy_events.event_on``); a source naming no dated instrument (statistics) gives the years of its
  ``indicators`` (1 January of ``period_start`` .. 31 December of ``period_end``). A stage scheduled after
  ``as_of`` (a part applying later) is not coverage. NULL when no row carries a date.
- ``coverage``: what the source covers in words, as its own metadata states it (``coverage`` in the document's
  ``origin.yaml``, or in a live source's ``settings.yaml`` ``source:`` block, which every version records), then
  the jurisdictions its rows name (policy mentions' jurisdictions, indicators' and market figures' scopes).
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping

from extractors.core import normalise as nz


def _day(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def period_end(start: dt.date, precision: str | None) -> dt.date:
    """The last day of the period ``start`` opens: the day itself, its month's or its year's last day."""
    if precision == "year":
        return dt.date(start.year, 12, 31)
    if precision == "month":
        return dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return start


def as_of(meta: Mapping, files: Iterable[Mapping] = ()) -> dt.date:
    """The ``as_of`` date of a snapshot from its origin metadata ``meta`` and its recorded ``files`` entries
    (``[]`` for a document), by the module's rule. Raises ValueError for a date that is not ISO 8601."""
    if meta.get("as_of"):
        return _day(meta["as_of"])
    accessed = _day(meta["date_accessed"])
    published = nz.parse_date(str(meta["published_on"])) if meta.get("published_on") else None
    if not meta.get("files"):
        if published is None:
            return accessed
        return period_end(published.value, meta.get("published_precision") or published.precision)
    received = [d for d in (_day(f.get("retrieved_at")) for f in files) if d]
    candidates = [accessed, *([max(received)] if received else []), *([published.value] if published else [])]
    return min(candidates)


def _row_dates(rows: Mapping[str, list[dict]]) -> list[dt.date]:
    dates = [_day(m.get("issued_on")) for m in rows.get("policy_mentions", [])]
    dates += [_day(e.get("event_on")) for e in rows.get("policy_events", [])]
    dates = [d for d in dates if d]
    if not dates:
        for r in rows.get("indicators", []):
            if r.get("period_start"):
                dates.append(dt.date(int(r["period_start"]), 1, 1))
            if r.get("period_end"):
                dates.append(dt.date(int(r["period_end"]), 12, 31))
    return dates


def coverage_dates(meta: Mapping, rows: Mapping[str, list[dict]], until: dt.date) -> tuple[dt.date | None,
                                                                                            dt.date | None]:
    """``(coverage_start, coverage_end)`` of a source: stated in ``meta`` or derived from its ``rows`` (per
    dataset table) up to ``until`` (its ``as_of``), by the module's rule; (None, None) without dates."""
    stated = (_day(meta.get("coverage_start")), _day(meta.get("coverage_end")))
    dates = sorted(d for d in _row_dates(rows) if d <= until)
    derived = (dates[0], dates[-1]) if dates else (None, None)
    return stated[0] or derived[0], stated[1] or derived[1]


def jurisdictions(rows: Mapping[str, list[dict]]) -> list[str]:
    """The jurisdictions and scopes the rows name, sorted: policy mentions' ``jurisdiction``, indicators' and
    market figures' ``scope``."""
    named = {m["jurisdiction"] for m in rows.get("policy_mentions", []) if m.get("jurisdiction")}
    named |= {r["scope"] for t in ("indicators", "market_figures") for r in rows.get(t, []) if r.get("scope")}
    return sorted(named)


def coverage_text(meta: Mapping, rows: Mapping[str, list[dict]]) -> str | None:
    """The ``coverage`` column: the metadata's own words, then ``Jurisdictions in its rows: ...`` (all of them,
    up to 20, else the count). None when neither is known."""
    parts = [str(meta["coverage"]).strip()] if meta.get("coverage") else []
    named = jurisdictions(rows)
    if named:
        listed = ", ".join(named) if len(named) <= 20 else f"{len(named)} (countries, regions and WLD)"
        parts.append(f"Jurisdictions in its rows: {listed}.")
    return " ".join(p if p.endswith(".") else p + "." for p in parts) or None


def fill(source: dict, meta: Mapping, files: Iterable[Mapping], rows: Mapping[str, list[dict]]) -> dict:
    """Set ``as_of``, ``coverage_start``, ``coverage_end`` and ``coverage`` on a ``sources`` row (in place;
    returned too) from the snapshot's metadata and recorded files and the rows extracted from it."""
    source["as_of"] = as_of(meta, files)
    source["coverage_start"], source["coverage_end"] = coverage_dates(meta, rows, source["as_of"])
    source["coverage"] = coverage_text(meta, rows)
    return source
