"""One version of the source read into acts: what each recorded file says about each act, with locators.

Files of a version (see :mod:`extractors.eur_lex.fetch`): ``acts/<CELEX>.json`` (CELLAR metadata of a tracked
act), ``related/<CELEX>.json`` (the acts CELLAR records as amending, correcting, repealing or based on a followed
act) and ``formex/<CELEX>/<name>.{doc,toc}.fmx.xml`` (Official Journal publication metadata). An act is known from
any of them; :class:`Act` keeps each source of a value with the file and JSON pointer or file it was read from.

Values are kept as recorded: dates as the strings CELLAR gives (``2024-08-01``) or Formex prints; the in-force
flag as CELLAR's ``1`` / ``0`` (or ``true`` / ``false``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.core.snapshots import Snapshot

from extractors.eur_lex import formex, sparql
from extractors.eur_lex.config import CELEX_RE, Settings

ACT_FILE = re.compile(r"^acts/(?P<celex>[0-9A-Z]+)\.json$")
RELATED_FILE = re.compile(r"^related/(?P<celex>[0-9A-Z]+)\.json$")
FORMEX_FILE = re.compile(r"^formex/(?P<celex>[0-9A-Z]+)/(?P<name>[A-Za-z0-9_.-]+)\.(?P<kind>doc|toc)\.fmx\.xml$")


@dataclass(frozen=True)
class Cell:
    """One recorded value and where it is: ``locator`` is ``<file> #/results/bindings/<i>/<var>`` or a file."""

    value: str
    locator: str


@dataclass(frozen=True)
class Related:
    """One row of ``related/<base>.json``: ``celex`` <relation> ``base``, with the related act's values."""

    base: str
    celex: str
    relation: str
    type: str | None
    date: str | None
    published: str | None
    title: str | None
    locator: str


@dataclass
class Act:
    """What the version records about one act (any part may be missing)."""

    celex: str
    record: str | None = None                      # acts/<CELEX>.json
    title: Cell | None = None
    eli: Cell | None = None
    date: Cell | None = None
    signature: Cell | None = None
    force: Cell | None = None
    rtype: str | None = None
    end_validity: Cell | None = None
    entry_force: list[Cell] = field(default_factory=list)
    document: formex.Document | None = None
    document_file: str | None = None
    issue: formex.Issue | None = None
    issue_file: str | None = None
    related: Related | None = None                 # the first related row naming this act

    def entry_force_dates(self) -> list[Cell]:
        """The distinct entry-into-force dates, earliest first (the first locator of each)."""
        seen: dict[str, Cell] = {}
        for c in sorted(self.entry_force, key=lambda c: c.value):
            seen.setdefault(c.value, c)
        return list(seen.values())


def _first(act: Act, name: str, row: dict, pointer: str, var: str) -> None:
    if getattr(act, name) is None and sparql.value(row, var):
        setattr(act, name, Cell(sparql.value(row, var), f"{pointer}/{var}"))


def read_record(act: Act, snapshot: Snapshot, name: str, settings: Settings) -> None:
    """Fill ``act`` from its ``acts/<CELEX>.json`` (every row: one per entry-into-force date)."""
    entry = snapshot.file_entry(name) or {}
    found = sparql.parse(snapshot.file(name).read_bytes(), entry.get("url") or name, snapshot.source_id,
                         settings.act_vars)
    act.record = name
    for i, row in enumerate(found):
        pointer = f"{name} #/results/bindings/{i}"
        for attr, var in (("title", "title"), ("eli", "eli"), ("date", "date"), ("signature", "signature"),
                          ("force", "force"), ("end_validity", "endValidity")):
            _first(act, attr, row, pointer, var)
        act.rtype = act.rtype or sparql.code(sparql.value(row, "rtype"))
        if sparql.value(row, "entryForce"):
            act.entry_force.append(Cell(sparql.value(row, "entryForce"), f"{pointer}/entryForce"))


def read_related(snapshot: Snapshot, name: str, base: str, settings: Settings) -> list[Related]:
    """The rows of ``related/<base>.json`` (relations the settings do not list are kept; the extraction flags
    them)."""
    entry = snapshot.file_entry(name) or {}
    found = sparql.parse(snapshot.file(name).read_bytes(), entry.get("url") or name, snapshot.source_id,
                         settings.related_vars)
    return [Related(base=base, celex=sparql.value(r, "celex"), relation=sparql.value(r, "relation") or "",
                    type=sparql.code(sparql.value(r, "type")), date=sparql.value(r, "date"),
                    published=sparql.value(r, "published"), title=sparql.value(r, "title"),
                    locator=f"{name} #/results/bindings/{i}") for i, r in enumerate(found)]


def read(snapshot: Snapshot, settings: Settings) -> tuple[dict[str, Act], list[Related]]:
    """({CELEX: Act} of the tracked acts, every related row in file order) of one version; an act a related row
    names with a relation the settings track is an act too, even before its own record is fetched. Raises SchemaDrift
    (a SPARQL file without a variable read here) or FormexError (a Formex file that cannot be read)."""
    acts: dict[str, Act] = {}
    related: list[Related] = []
    for entry in sorted(snapshot.files, key=lambda e: e["name"]):
        name = entry["name"]
        if m := ACT_FILE.match(name):
            read_record(acts.setdefault(m["celex"], Act(m["celex"])), snapshot, name, settings)
        elif m := RELATED_FILE.match(name):
            related += read_related(snapshot, name, m["celex"], settings)
        elif m := FORMEX_FILE.match(name):
            act = acts.setdefault(m["celex"], Act(m["celex"]))
            body = snapshot.file(name).read_bytes()
            if m["kind"] == "doc":
                act.document, act.document_file = formex.read_document(body, name), name
            else:
                act.issue, act.issue_file = formex.read_issue(body, name), name
    for row in related:
        rel = settings.relations.get(row.relation)
        if rel is not None and rel.track and CELEX_RE.match(row.celex):
            acts.setdefault(row.celex, Act(row.celex))
        if row.celex in acts and acts[row.celex].related is None:
            acts[row.celex].related = row
    return acts, related
