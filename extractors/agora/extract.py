"""AGORA's documents as ``policy_mentions``: one mention (context ``record``) per row of ``agora/documents.csv``.

Offline and deterministic, from the pinned version's files only: ``agora/documents.csv`` and
``agora/authorities.csv`` (``record.json``, present in fetched versions and absent from the bundled first one, is
not read). Each mention:

- ``title_printed``: the Official name as printed (the Casual name when it is empty). ``title_en`` stays empty:
  AGORA's names are English already (Chinese documents under their English translation), and the contract keeps
  title_en for an English title printed next to a non-English one; the Casual name ("EU AI Act") is in ``text``;
- ``identifier``: ``EO <n>`` or ``CELEX:...`` where the names print one, else ``AGORA:<id>``
  (:mod:`extractors.agora.identifiers`);
- ``jurisdiction``: through the Authority (:mod:`extractors.agora.authorities`); ``issuer_printed``: the
  Authority cell as printed;
- ``status`` and ``issued_printed``: from "Most recent activity" by the ``activities`` table of settings.yaml
  (Enacted -> adopted, issued on the activity date; Proposed -> proposed, issued on the Proposed date; Defunct ->
  revoked, issued on the Proposed date; a defunct bill's status is left empty);
- ``instrument_type``: the settings' ``instrument_types`` rules on the two names and the activity, else the
  project's title rules;
- ``text``: the Short summary, then a line of AGORA's own fields as ``<column>: <value>`` pairs (AGORA ID, Casual
  name when it differs, Most recent activity and its date, Proposed date, the ISO 3166-2 subdivision of a state or
  local authority, and the machine-output marker when set);
- ``url``: Link to document; ``licence`` and ``non_commercial``: AGORA's terms (settings ``source``), on every row.

Events (``policy_events``): the Proposed date and the most recent activity as stages (:mod:`extractors.agora.events`).

Quality flags (table policy_mentions): ``proposed_after_activity`` (warning: a Proposed date later than the most
recent activity's date, e.g. AGORA 1137), ``proposed_date_missing`` (info), ``machine_output`` (info: "Summaries and
tags may include unreviewed machine output" is true), ``defunct_bill`` (info), ``activity_unknown`` (warning: a
value the settings do not map), ``jurisdictions_disagree`` (warning); rows left out: ``jurisdiction_unknown``,
``record_incomplete`` and ``duplicate_id`` (warning). A CSV lacking a column the extraction reads is SchemaDrift.
"""
from __future__ import annotations

from extractors.core import normalise as nz
from extractors.core.records import Extraction, add_mention
from extractors.core.snapshots import Snapshot

from extractors.agora import authorities, config, events, tables
from extractors.agora.config import SOURCE_ID, Settings
from extractors.agora.identifiers import identifier

DOCUMENTS = "agora/documents.csv"
AUTHORITIES = "agora/authorities.csv"
MACHINE_OUTPUT = "Summaries and tags may include unreviewed machine output"
DATE_COLUMNS = ("Most recent activity date", "Proposed date")


def _read(snapshot: Snapshot, settings: Settings) -> dict[str, str]:
    texts = {}
    for name in (DOCUMENTS, AUTHORITIES):
        body = snapshot.file(name).read_bytes()
        url = (snapshot.file_entry(name) or {}).get("url") or name
        tables.check_columns(name, body, url, settings.members.get(name, ()))
        texts[name] = tables.decode(name, body, url)
    return texts


def instrument_type(row: dict[str, str], activity: str, settings: Settings) -> str:
    """The first ``instrument_types`` rule of the settings matching a name (and the activity, where the rule
    lists activities); else :func:`extractors.core.normalise.instrument_type` of the Official name."""
    names = [n for n in (row["Official name"], row["Casual name"]) if n.strip()]
    for rule in settings.type_rules:
        if rule.activities is not None and activity not in rule.activities:
            continue
        if any(rule.pattern.search(n) for n in names):
            return rule.type
    return nz.instrument_type(names[0]) if names else "other"


def _issued(row: dict[str, str], first: str) -> str | None:
    order = (first, *(c for c in DATE_COLUMNS if c != first))
    return next((row[c].strip() for c in order if row[c].strip()), None)


def _text(row: dict[str, str], agora_id: str, subdivision: str | None, machine: bool) -> str:
    facts = [f"AGORA ID: {agora_id}"]
    if row["Casual name"].strip() and row["Casual name"].strip() != row["Official name"].strip():
        facts.append(f"Casual name: {row['Casual name'].strip()}")
    for column in ("Most recent activity", *DATE_COLUMNS):
        facts.append(f"{column}: {row[column].strip() or '(empty)'}")
    if subdivision:
        facts.append(f"Subdivision: {subdivision}")
    if machine:
        facts.append(f"{MACHINE_OUTPUT}: {row[MACHINE_OUTPUT].strip()}")
    summary = row["Short summary"].strip()
    return (summary + "\n" if summary else "") + "; ".join(facts)


def _date_flags(ex: Extraction, row: dict[str, str], key: str, locator: str, activity: str) -> None:
    proposed, latest = row["Proposed date"].strip(), row["Most recent activity date"].strip()
    if not proposed:
        ex.flag("policy_mentions", key, "proposed_date_missing", "AGORA prints no Proposed date for this "
                f"document (most recent activity: {activity or '(empty)'} {latest or '(no date)'})", locator, "info")
        return
    try:
        p, a = nz.parse_date(proposed), nz.parse_date(latest)
    except nz.NormaliseError:
        return                      # an unreadable date is flagged by add_mention when it is the issued date
    if p and a and p.value > a.value:
        ex.flag("policy_mentions", key, "proposed_after_activity", f"Proposed date {proposed} is later than the "
                f"most recent activity ({activity} on {latest})", locator)


def _left_out(row: dict[str, str], title: str, seen: set[str]) -> tuple[str, str] | None:
    """(check, why) when a row cannot be a mention: no numeric AGORA ID or no name, or an ID seen before."""
    agora_id = row["AGORA ID"].strip()
    if agora_id in seen:
        return "duplicate_id", "a second row with this AGORA ID"
    if not agora_id.isdigit() or not title.strip():
        return "record_incomplete", "no numeric AGORA ID or no name"
    return None


def _document(ex: Extraction, row: dict[str, str], locator: str, auths: dict, settings: Settings,
              seen: set[str]) -> None:
    agora_id = row["AGORA ID"].strip()
    title = row["Official name"] if row["Official name"].strip() else row["Casual name"]
    skip = _left_out(row, title, seen)
    if skip:
        ex.flag("policy_mentions", f"AGORA:{agora_id}" if agora_id.isdigit() else None, skip[0],
                f"AGORA ID {agora_id!r}, name {title.strip()!r}: {skip[1]}; left out", locator)
        return
    seen.add(agora_id)
    code, subdivision, problem = authorities.place(row["Authority"], auths)
    if code is None:
        ex.flag("policy_mentions", f"AGORA:{agora_id}", "jurisdiction_unknown", f"AGORA {agora_id} "
                f"({title.strip()}): {problem}; left out", locator)
        return
    activity = row["Most recent activity"].strip()
    act = settings.activities.get(activity)
    kind = instrument_type(row, activity, settings)
    status = None if act is None else (act.bill_status if kind == "bill" else act.status)
    machine = row[MACHINE_OUTPUT].strip().lower() == "true"
    mention = add_mention(
        ex, jurisdiction=code, title_printed=title, locator=locator, context="record",
        issuer=row["Authority"].strip() or None, issued_printed=_issued(row, act.issued if act else "Proposed date"),
        text=_text(row, agora_id, subdivision, machine), status=status, instrument_type=kind,
        identifier=identifier(agora_id, row["Official name"], row["Casual name"]),
        url=row["Link to document"].strip() or None)
    mention.update(status=status, licence=settings.source["licence"],
                   non_commercial=bool(settings.source.get("non_commercial")))
    key = mention["mention_id"]
    events.add_row_events(ex, mention, row, act, settings, locator)
    _date_flags(ex, row, key, locator, activity)
    if problem:
        ex.flag("policy_mentions", key, "jurisdictions_disagree", problem, locator)
    if act is None:
        ex.flag("policy_mentions", key, "activity_unknown", f"Most recent activity {activity!r} is not in the "
                "settings' activities table; status left empty", locator)
    elif kind == "bill" and act.bill_status != act.status:
        ex.flag("policy_mentions", key, "defunct_bill", f"AGORA marks this bill {activity} on "
                f"{row['Most recent activity date'].strip() or '(no date)'}: it did not become law (vetoed, died "
                f"or withdrawn); status left {act.bill_status or 'empty'}", locator, "info")
    if machine:
        ex.flag("policy_mentions", key, "machine_output", f"AGORA: {MACHINE_OUTPUT.lower()} (AGORA {agora_id})",
                locator, "info")


def extract(snapshot: Snapshot) -> Extraction:
    """The ``policy_mentions`` and ``quality_flags`` rows of one AGORA version (see module docstring).
    Raises SchemaDrift when a CSV lacks a column it reads, SnapshotError when a file is not in the version."""
    settings = config.load()
    ex = Extraction(SOURCE_ID)
    texts = _read(snapshot, settings)
    auths = authorities.read(texts[AUTHORITIES], settings)
    seen: set[str] = set()
    for first, last, row in tables.records(texts[DOCUMENTS]):
        locator = f"{DOCUMENTS} L{first}" + (f"-{last}" if last > first else "")
        _document(ex, row, locator, auths, settings, seen)
    return ex
