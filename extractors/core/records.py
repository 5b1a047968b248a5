"""The record model every source kind fills: rows per dataset table, stable ids, policy mentions, flags.

Part of ``extractors.core``: it imports nothing else from ``extractors`` but ``core`` (the import direction
``schemas`` <- ``extractors.core`` <- source kinds <- ``extractors.resolve`` <- ``warehouse`` is enforced by
``tests/test_architecture.py``).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import schemas
from extractors.core import normalise as nz
from extractors.core.config import ConfigError
from extractors.core.snapshots import Snapshot

# Every table of the contract; ``policies`` is built later from all sources' mentions (extractors/resolve).
DATASET_TABLES = tuple(schemas.tables())


class SpecError(ValueError):
    """A spec that names an unknown target or column; the message names source and table."""


class SpecFileError(SpecError, ConfigError):
    """A spec file that cannot be used: the message names the file, the line, the table or key, and the cause."""


@dataclass
class Extraction:
    """Rows per dataset table for one source (plain dicts, keyed by contract column names)."""

    source_id: str
    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in DATASET_TABLES})

    def flag(self, table_name: str, record_key: str | None, check: str, detail: str, locator: str,
             severity: str = "warning") -> None:
        """Append one ``quality_flags`` row about this source (see :func:`flag_row`)."""
        self.rows["quality_flags"].append(
            flag_row(self.source_id, table_name, record_key, check, detail, locator, severity))


def stable_id(prefix: str, *parts: object) -> str:
    """``<prefix>-`` and the first 12 hex digits of the SHA-1 of the parts (``str`` of each) joined by ``|``:
    the same parts give the same id in every run and release (record-level diffs rely on it)."""
    return f"{prefix}-" + hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:12]


def flag_row(source_id: str, table_name: str, record_key: str | None, check: str, detail: str, locator: str,
             severity: str = "warning") -> dict:
    """One ``quality_flags`` row; its id hashes everything that tells two flags apart."""
    return {"flag_id": stable_id("flag", source_id, table_name, record_key, check, locator, detail),
            "table_name": table_name, "record_key": record_key, "check_name": check, "severity": severity,
            "detail": detail, "source_id": source_id, "source_locator": locator}


def relation_id(policy: str, relation: str, related: str) -> str:
    """Stable id of a lifecycle link between two policies (``revokes``, ``implements`` ...)."""
    return stable_id("rel", policy, relation, related)



def policy_id(jurisdiction: str, title: str) -> str:
    """Stable id of a policy: jurisdiction + title in Traditional script without spaces or title marks."""
    key = re.sub(r"[\s《》「」『』〈〉()()]", "", nz.to_traditional(title))
    return stable_id("pol", jurisdiction, key)


def strip_title_marks(title: str) -> str:
    t = title.strip()
    pairs = {"《": "》", "「": "」", "『": "』"}
    if len(t) > 2 and t[0] in pairs and t.endswith(pairs[t[0]]) and t.count(t[0]) == 1:
        return t[1:-1].strip()
    return t




def mention_id(source_id: str, locator: str, title_printed: str) -> str:
    """Stable id of one naming of a policy: source, locator and the printed title."""
    return stable_id("men", source_id, locator, title_printed)


def add_mention(ex: Extraction, *, jurisdiction: str, title_printed: str, locator: str, context: str,
                issuer: str | None = None, issued_printed: str | None = None, text: str | None = None,
                status: str | None = None, instrument_type: str | None = None,
                title_en: str | None = None, identifier: str | None = None, url: str | None = None) -> dict:
    """Append one ``policy_mentions`` row (date read, type inferred, provisional policy id); returns it.

    The provisional ``policy_id`` hashes jurisdiction + title; extractors/resolve merges variant titles of
    one instrument afterwards. A date that cannot be read, or reads with issues, becomes a quality flag.
    """
    title = strip_title_marks(title_printed)
    pid = policy_id(jurisdiction, title)
    try:
        parsed = nz.parse_date(issued_printed)
    except nz.NormaliseError as exc:
        ex.flag("policy_mentions", pid, "date_unreadable", str(exc), locator)
        parsed = None
    for issue in parsed.issues if parsed else ():
        ex.flag("policy_mentions", pid, f"date_{issue}",
                f"issued date printed as {issued_printed!r}; read as {parsed.value.isoformat()} "
                f"({parsed.precision})", locator)
    kind = instrument_type or nz.instrument_type(title)
    row = {
        "mention_id": mention_id(ex.source_id, locator, title_printed), "policy_id": pid,
        "source_id": ex.source_id, "source_locator": locator, "context": context,
        "jurisdiction": jurisdiction, "title_printed": title_printed, "title": title, "title_en": title_en,
        "issuer_printed": issuer, "issued_printed": issued_printed,
        "issued_on": parsed.value if parsed else None, "issued_precision": parsed.precision if parsed else None,
        "instrument_type": kind, "status": status or ("proposed" if kind == "bill" else None), "text": text,
        "identifier": identifier, "url": url, "licence": None, "non_commercial": None,
    }
    ex.rows["policy_mentions"].append(row)
    return row



def event_id(source_id: str, locator: str, policy: str, event: str, scope: str | None) -> str:
    """Stable id of one stated stage of an instrument."""
    return stable_id("evt", source_id, locator, policy, event, scope or "")


def add_event(ex: Extraction, *, policy_id: str, event: str, printed: str | None, locator: str,
              text: str | None = None, scope: str | None = None, related_policy_id: str | None = None,
              related_identifier: str | None = None, on: "object | None" = None,
              precision: str | None = None, key: str | None = None) -> dict:
    """Append one ``policy_events`` row; returns it. ``policy_id`` is the provisional id of a mention of this
    source (:func:`policy_id` of its jurisdiction and title; resolve maps it to the final one, as for relations).
    ``printed`` is the date as printed; it is read with :func:`normalise.parse_date` unless ``on`` (a
    ``datetime.date``) and ``precision`` are given, e.g. from a structured record (``20260122``). A date that
    cannot be read becomes a ``date_unreadable`` flag and a NULL date. ``event`` must be in the contract's enum
    (the stage names of ``schemas/tables.yaml`` policy_events). ``key`` replaces the locator in the event's id
    where the locator moves between versions of a source without the stage changing (a JSON pointer into a list
    that grows at its head): the id stays, so a release diff shows no change."""
    if on is None and printed:
        try:
            parsed = nz.parse_date(printed)
        except nz.NormaliseError as exc:
            ex.flag("policy_events", policy_id, "date_unreadable", str(exc), locator)
            parsed = None
        on, precision = (parsed.value, parsed.precision) if parsed else (None, None)
    row = {"event_id": event_id(ex.source_id, key or locator, policy_id, event, scope), "policy_id": policy_id,
           "event": event, "event_on": on, "event_precision": precision if on else None, "event_printed": printed,
           "scope": scope, "related_policy_id": related_policy_id, "related_identifier": related_identifier,
           "text": text, "licence": None, "non_commercial": None, "source_id": ex.source_id,
           "source_locator": locator}
    ex.rows["policy_events"].append(row)
    return row


def source_row(snapshot: Snapshot, status: dict | None = None) -> dict:
    """The ``sources`` row of a snapshot, from its origin metadata; ``status`` is the source's entry of
    ``fetch_status.yaml`` (a failed last fetch makes the row stale since its first failure)."""
    m, status = snapshot.meta, status or {}
    parsed = nz.parse_date(str(m["published_on"]))
    precision = m.get("published_precision") or (parsed.precision if parsed else None)
    live = bool(m.get("files"))
    return {
        "source_id": m["source_id"], "kind": "live" if live else "document",
        "role": m.get("role") or "report", "url": m.get("url"),
        "date_accessed": nz.parse_date(str(m["date_accessed"])).value, "snapshot_version": snapshot.version,
        "file_count": len(snapshot.files) if live else 1, "attribution": m.get("attribution"),
        "non_commercial": bool(m.get("non_commercial", False)),
        "stale_since": status.get("stale_since"), "fetch_error": status.get("error") if status.get("stale_since")
        else None,
        "title": m["title"], "title_en": m.get("title_en"),
        "publisher": m["publisher"], "published_on": parsed.value if parsed else None,
        "published_precision": precision, "language": m["language"], "sha256": m["sha256"],
        "size_bytes": int(m["size_bytes"]), "licence": m.get("licence"), "origin": m["origin"],
        "snapshot_file": m["snapshot_file"],
        # filled from the extracted rows by extractors.core.coverage.fill (warehouse.sources.extract)
        "as_of": None, "coverage_start": None, "coverage_end": None, "coverage": m.get("coverage"),
    }


# Dataset tables whose rows carry their terms of use (licence, non_commercial); policies get theirs in resolve.
LICENSED_TABLES = ("policy_mentions", "policy_relations", "policy_events", "patent_counts", "market_figures",
                   "budgets", "kpis", "indicators")


def apply_source_terms(ex: Extraction, source: dict) -> None:
    """Give every row of :data:`LICENSED_TABLES` that sets no ``licence`` / ``non_commercial`` of its own the
    source's (its ``sources`` row): the terms travel with each row, so one filter drops what may not be reused."""
    for table in LICENSED_TABLES:
        for row in ex.rows[table]:
            if row.get("licence") is None:
                row["licence"] = source["licence"]
            if row.get("non_commercial") is None:
                row["non_commercial"] = source["non_commercial"]


def source_file_rows(snapshot: Snapshot) -> list[dict]:
    """The ``source_files`` rows of a live source's version (one per recorded response); [] for a document."""
    import json

    return [{"source_id": snapshot.source_id, "file": f["name"], "url": f.get("url") or "",
             "params": json.dumps(f["params"], sort_keys=True, ensure_ascii=False) if f.get("params") else None,
             "status": int(f.get("status", 200)), "etag": f.get("etag"), "last_modified": f.get("last_modified"),
             "retrieved_at": f.get("retrieved_at"), "sha256": f["sha256"], "size_bytes": int(f["size_bytes"]),
             "note": f.get("note")} for f in snapshot.files]
