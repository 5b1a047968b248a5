"""The two SPARQL queries this source asks CELLAR, and the checks every answer passes.

CELLAR's endpoint (``GET /webapi/rdf/sparql?query=...&format=application/sparql-results+json``, a Virtuoso
server) answers in the W3C SPARQL 1.1 JSON results format: ``head.vars`` lists the variables, ``results.bindings``
one object per row, each bound variable a cell ``{"type", "value", "datatype"?, "xml:lang"?}``; an OPTIONAL
variable left unbound is absent from the row. An act with several entry-into-force dates comes back as one row
per date (legalize-dev/legalize-pipeline's recorded answer for 32024R1689: five rows), in no fixed order.

- :func:`act_query`: the metadata of one act (``acts/<CELEX>.json``). Its SELECT and act pattern are those of
  legalize-pipeline's per-act query (``src/legalize/fetcher/eu/client.py``, ``get_metadata_sparql`` @ 0c56f79),
  whose recorded answer for the AI Act is this source's first record. Ours leaves out its resource-type filter
  and its XHTML-manifestation join and makes the in-force flag optional, so implementing decisions and acts
  without an XHTML text are answered too; for the AI Act (a REG with an XHTML text, in force) the rows are the same.
- :func:`related_query`: the acts that amend, correct, repeal or are based on one act (``related/<CELEX>.json``),
  one UNION branch per ``relations`` entry of the settings (``?act cdm:<property> ?base``, the direction CELLAR
  records: the amending act points at the amended one). Columns as JoshDoesIT/ObligationAggregator's acts query
  (celex, type, date, title) plus ``relation`` and ``published`` (``cdm:official-journal-act_date_publication``,
  the Official Journal date of an act published act by act, i.e. since October 2023).

Each query starts with a comment naming the request (``# eur_lex act 32024R1689``), so logs on either side say
which act an answer is about.

Checks (:func:`rows`): a body that is not JSON, an answer for another act, and an incomplete answer (Virtuoso's
"anytime query" returns HTTP 200 with ``X-SQL-State`` / ``X-SQL-Message`` or ``X-SPARQL-MaxRows`` headers when a
query ran out of time or rows: README.ANYTIME of openlink/virtuoso-opensource) are FetchError; a body without
``head.vars``, ``results.bindings``, a listed variable or a row's CELEX is SchemaDrift naming the field.
"""
from __future__ import annotations

import json

from extractors.core.fetch import FetchError, Response, SchemaDrift

CDM = "http://publications.europa.eu/ontology/cdm#"
ENGLISH = "http://publications.europa.eu/resource/authority/language/ENG"
RESOURCE_TYPE = "http://publications.europa.eu/resource/authority/resource-type/"
PARTIAL_HEADERS = ("x-sql-state", "x-sql-message", "x-sparql-maxrows")

_PREFIX = f"PREFIX cdm: <{CDM}>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"

_ACT = """SELECT ?celex ?eli ?title ?date ?entryForce ?endValidity ?force ?rtype ?hasCons ?eea ?signature
WHERE {{
  ?work cdm:resource_legal_id_celex ?celex .
  FILTER(STR(?celex) = "{celex}")
  ?work cdm:work_has_resource-type ?rtype .
  FILTER NOT EXISTS {{ ?work cdm:work_has_resource-type <{rtype}CORRIGENDUM> . }}
  FILTER NOT EXISTS {{ ?work cdm:do_not_index "true"^^xsd:boolean . }}
  ?work cdm:work_date_document ?date .
  ?expr cdm:expression_belongs_to_work ?work .
  ?expr cdm:expression_uses_language <{english}> .
  ?expr cdm:expression_title ?title .
  OPTIONAL {{ ?work cdm:resource_legal_in-force ?force . }}
  OPTIONAL {{ ?work cdm:resource_legal_eli ?eli . }}
  OPTIONAL {{ ?work cdm:resource_legal_date_entry-into-force ?entryForce . }}
  OPTIONAL {{ ?work cdm:resource_legal_date_end-of-validity ?endValidity . }}
  OPTIONAL {{ ?work cdm:resource_legal_eea ?eea . }}
  OPTIONAL {{ ?work cdm:resource_legal_date_signature ?signature . }}
  BIND(EXISTS {{ ?cons cdm:act_consolidated_based_on_resource_legal ?work }} AS ?hasCons)
}}"""

_RELATED = """SELECT DISTINCT ?celex ?relation ?type ?date ?published ?title
WHERE {{
  ?base cdm:resource_legal_id_celex ?baseCelex .
  FILTER(STR(?baseCelex) = "{celex}")
  {branches}
  ?act cdm:resource_legal_id_celex ?celex .
  OPTIONAL {{ ?act cdm:work_has_resource-type ?type . }}
  OPTIONAL {{ ?act cdm:work_date_document ?date . }}
  OPTIONAL {{ ?act cdm:official-journal-act_date_publication ?published . }}
  OPTIONAL {{ ?expr cdm:expression_belongs_to_work ?act .
             ?expr cdm:expression_uses_language <{english}> .
             ?expr cdm:expression_title ?title . }}
}}
ORDER BY ?celex ?relation
LIMIT {limit}"""


def act_query(celex: str) -> str:
    """The metadata query for one act (module docstring); ``celex`` must be a checked CELEX number."""
    return f"# eur_lex act {celex}\n" + _PREFIX + _ACT.format(celex=celex, rtype=RESOURCE_TYPE, english=ENGLISH)


def related_query(celex: str, relations: dict[str, str], limit: int) -> str:
    """The related-acts query for one act: ``relations`` maps a relation name (``amends``) to its CDM property
    (``resource_legal_amends_resource_legal``); ``limit`` rows at most (ask one more than allowed to see a cut)."""
    branches = "\n  UNION ".join(f'{{ ?act cdm:{prop} ?base . BIND("{name}" AS ?relation) }}'
                                 for name, prop in relations.items())
    return f"# eur_lex related {celex}\n" + _PREFIX + _RELATED.format(celex=celex, branches=branches,
                                                                       english=ENGLISH, limit=limit)


def parse(body: bytes, url: str, source_id: str, variables: tuple[str, ...]) -> list[dict]:
    """The rows (``results.bindings``) of an answer body whose ``head.vars`` lists every name of ``variables``.
    Raises FetchError (not JSON) or SchemaDrift naming the missing field."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(source_id, url, f"the SPARQL answer is not valid JSON ({exc})") from exc
    head = data.get("head") if isinstance(data, dict) else None
    listed = head.get("vars") if isinstance(head, dict) else None
    if not isinstance(listed, list):
        raise SchemaDrift(source_id, url, "schema drift: the SPARQL answer has no 'head.vars' list")
    missing = [v for v in variables if v not in listed]
    if missing:
        raise SchemaDrift(source_id, url, f"schema drift: the SPARQL answer's head.vars lacks "
                          f"{', '.join(repr(v) for v in missing)} (it lists {', '.join(map(str, listed))})")
    results = data.get("results")
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
        raise SchemaDrift(source_id, url, "schema drift: the SPARQL answer has no 'results.bindings' list of rows")
    for i, row in enumerate(bindings):
        if not value(row, "celex"):
            raise SchemaDrift(source_id, url, f"schema drift: row {i} of the SPARQL answer has no 'celex' value")
    return bindings


def rows(resp: Response, variables: tuple[str, ...], celex: str | None = None) -> list[dict]:
    """The rows of a fetched answer (:func:`parse`), refusing an incomplete one and, with ``celex``, rows about
    another act. Raises FetchError / SchemaDrift (module docstring)."""
    partial = {h: resp.headers[h] for h in PARTIAL_HEADERS if resp.headers.get(h)}
    if partial:
        raise FetchError(resp.source_id, resp.url, "the SPARQL answer is incomplete (" + "; ".join(
            f"{k}: {v}" for k, v in partial.items()) + "); not kept")
    found = parse(resp.body, resp.url, resp.source_id, variables)
    other = sorted({value(r, "celex") for r in found} - {celex}) if celex else []
    if other:
        raise FetchError(resp.source_id, resp.url, f"asked for CELEX {celex}, the answer is about "
                         f"{', '.join(other)}")
    return found


def value(row: dict, name: str) -> str | None:
    """The value of variable ``name`` in a row, None when unbound (or not a cell)."""
    cell = row.get(name)
    return cell.get("value") if isinstance(cell, dict) else None


def code(uri: str | None) -> str | None:
    """The last part of an authority URI (``.../resource-type/REG`` -> ``REG``); None for None."""
    return uri.rsplit("/", 1)[-1] if uri else None


def canonical(body: bytes) -> bytes:
    """An answer in a form that does not depend on row order or key order (what decides whether it changed:
    Virtuoso returns rows in no fixed order); the body itself when it is not a SPARQL JSON answer."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
        listed = data["head"]["vars"]
        bindings = data["results"]["bindings"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return body
    rows_ = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in bindings)
    return json.dumps({"vars": sorted(map(str, listed)), "rows": rows_}, ensure_ascii=False).encode("utf-8")
