"""Fetching the ``eur_lex`` source: the files of one snapshot version.

Every request is ``GET <base>/webapi/rdf/sparql`` with ``query`` and ``format=application/sparql-results+json``
(the settings' ``sparql``); the version records each answer with its URL and parameters (the query text).

1. For each act the settings ``follow`` (the AI Act): the related-acts query (:func:`sparql.related_query`),
   kept as ``related/<CELEX>.json``. The acts it names with a relation the settings ``track`` (amends, repeals,
   based_on; not corrects: a corrigendum is a stage of the act it corrects) become tracked acts. More rows than
   ``max_related`` is a FetchError, never a silent cut.
2. For each tracked act (the settings' ``track``, the acts the previous version recorded, the acts step 1 found;
   in CELEX order, none ever dropped): the metadata query (:func:`sparql.act_query`), kept as
   ``acts/<CELEX>.json``. An answer with no rows (CELLAR has no English title for a new act yet, say) keeps the
   previous version's file when there is one, else the act waits for a later fetch (logged).
3. The Official Journal's Formex metadata of the previous version (``formex/<CELEX>/...``) is carried over
   unchanged: a publication in the Official Journal is never rewritten, and CELLAR's SPARQL answers do not hold
   it. (New acts get their OJ date from the related-acts answer's ``published``.)

CELLAR sends no ETag for SPARQL answers, so there is no conditional request and no cheap change probe: every
fetch asks every query (1 + tracked acts requests, one per ``min_interval``), and :func:`fingerprint` decides
whether anything changed. It compares SPARQL answers without their row order (Virtuoso returns rows in no fixed
order), so the same answer in another order writes no new version. Errors: FetchError / SchemaDrift from
:func:`sparql.rows` (not JSON, incomplete, another act, a missing variable) and from the Fetcher; nothing is
written by this module.
"""
from __future__ import annotations

import logging

from extractors.core.fetch import FetchError, Fetcher, Response
from extractors.core.snapshot_writer import RecordedFile, carried
from extractors.core.snapshots import Snapshot

from extractors.eur_lex import config, sparql
from extractors.eur_lex.acts import ACT_FILE, FORMEX_FILE
from extractors.eur_lex.config import CELEX_RE, Settings

log = logging.getLogger(__name__)



def ask(fetcher: Fetcher, query: str, settings: Settings) -> Response:
    """One SPARQL request (GET with ``query`` and ``format``). Raises what the Fetcher raises."""
    return fetcher.get(settings.path, params={"query": query, "format": settings.format})


def related(fetcher: Fetcher, celex: str, settings: Settings) -> tuple[RecordedFile, dict[str, str]]:
    """(``related/<celex>.json``, {CELEX of a related act to track: why}) for one followed act. Raises
    FetchError (more rows than ``max_related``) and what :func:`sparql.rows` raises."""
    props = {name: r.cdm for name, r in settings.relations.items()}
    resp = ask(fetcher, sparql.related_query(celex, props, settings.max_related + 1), settings)
    found = sparql.rows(resp, settings.related_vars)
    if len(found) > settings.max_related:
        raise FetchError(resp.source_id, resp.url, f"more than {settings.max_related} related acts for {celex} "
                         "(settings.yaml sparql.max_related); not cut silently")
    new: dict[str, str] = {}
    for row in found:
        other, relation = sparql.value(row, "celex"), sparql.value(row, "relation") or ""
        rel = settings.relations.get(relation)
        if rel is not None and rel.track and CELEX_RE.match(other or ""):
            new.setdefault(other, f"found by related/{celex}.json: {other} {relation} {celex}")
    return resp.record(f"related/{celex}.json", note=f"acts related to {celex}"), new


def act_record(fetcher: Fetcher, celex: str, previous: Snapshot | None, note: str | None,
               settings: Settings) -> RecordedFile | None:
    """``acts/<celex>.json``, the previous version's when the answer has no rows, or None when neither exists.
    Raises what :func:`sparql.rows` raises."""
    name = f"acts/{celex}.json"
    resp = ask(fetcher, sparql.act_query(celex), settings)
    if sparql.rows(resp, settings.act_vars, celex=celex):
        return resp.record(name, note=note)
    if previous is not None and previous.file_entry(name):
        log.warning("eur_lex: CELLAR has no record for %s now; the previous version's answer is kept", celex)
        return carried(previous, name)
    log.warning("eur_lex: CELLAR has no record for %s yet; not recorded in this version", celex)
    return None


def tracked(previous: Snapshot | None, settings: Settings) -> dict[str, str | None]:
    """{CELEX: note} of the acts tracked before any request: the settings' ``track``, then those the previous
    version recorded (``acts/<CELEX>.json``)."""
    out: dict[str, str | None] = {t.celex: "tracked in settings.yaml" for t in settings.track}
    for entry in previous.files if previous else ():
        if m := ACT_FILE.match(entry["name"]):
            out.setdefault(m["celex"], entry.get("note"))
    return out


def fetch(fetcher: Fetcher, previous: Snapshot | None) -> list[RecordedFile]:
    """The complete file set of a new version (module docstring). Raises FetchError / SchemaDrift naming source,
    URL and field."""
    settings = config.load()
    acts = tracked(previous, settings)
    files: list[RecordedFile] = []
    for t in settings.track:
        if t.follow:
            file, new = related(fetcher, t.celex, settings)
            files.append(file)
            for celex, why in new.items():
                acts.setdefault(celex, why)
    for celex in sorted(acts):
        record = act_record(fetcher, celex, previous, acts[celex], settings)
        if record is not None:
            files.append(record)
    files += [carried(previous, e["name"]) for e in (previous.files if previous else ())
              if FORMEX_FILE.match(e["name"])]
    log.info("eur_lex: %d acts tracked, %d files", len(acts), len(files))
    return files


def fingerprint(name: str, body: bytes) -> bytes:
    """What decides whether ``name`` changed: a SPARQL answer without row or key order
    (:func:`sparql.canonical`); any other file byte for byte."""
    return sparql.canonical(body) if name.endswith(".json") else body
