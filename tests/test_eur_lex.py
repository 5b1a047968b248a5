"""The EUR-Lex CELLAR live source (extractors/eur_lex): the bundled first version extracted to exact values, the
AI Act joining the reports' 《AI 法案》, and fetches from a stand-in CELLAR on 127.0.0.1 (tests/live_server.py).

What the stand-in serves is built here from the real recorded files (tests/fixtures/live/eur_lex/, see
PROVENANCE.md): the AI Act's metadata answer recorded by legalize-pipeline as it is. CELLAR's answer to the
related-acts query was never recorded: where a test needs one, it is derived from JoshDoesIT's recorded answer
(its envelope and its cells' types and datatypes) with the values of Regulation (EU) 2026/1744 that its recorded
Official Journal metadata gives (CELEX, date of the document, OJ date, printed title), and says so. An answer
with no rows, with one more entry-into-force date, with rows in another order or a renamed variable is derived
from the legalize answer in the test.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from extractors import resolve
from extractors.core import snapshots
from extractors.core.config import ConfigError
from extractors.core.fetch import FetchError, Fetcher, SchemaDrift, TransientFetchError
from extractors.core.live import refresh
from extractors.core.snapshot_writer import STATUS_FILE, read_status, write_version
from extractors.eur_lex import SOURCE, bundle, config, formex
from extractors.eur_lex.fetch import fingerprint
from tests.live_server import Reply, StandIn
from warehouse import sources as warehouse_sources

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "live" / "eur_lex"
LEGALIZE = FIXTURES / "legalize-dev__legalize-pipeline__32024R1689_metadata.json"
WINDOW = FIXTURES / "JoshDoesIT__ObligationAggregator__cellar_acts_aiact_window.json"
OMNIBUS_DOC = FIXTURES / "josesiqueira__tere4ai__L_202601744EN.doc.fmx.xml"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
AI_ACT, OMNIBUS = "32024R1689", "32026R1744"
ACT, RELATED = f"/act/{AI_ACT}", f"/related/{AI_ACT}"
OMNIBUS_TITLE = ("Regulation (EU) 2026/1744 of the European Parliament and of the Council of 8\xa0July 2026 amending "
                 "Regulations (EU) 2024/1689, (EU) 2018/1139 and (EU) 2023/1230 as regards the simplification of the "
                 "implementation of harmonised rules on artificial intelligence (Digital Omnibus on AI)")
AI_ACT_TITLE = ("Regulation (EU) 2024/1689 of the European Parliament and of the Council of 13\xa0June 2024 laying "
                "down harmonised rules on artificial intelligence and amending Regulations (EC) No\xa0300/2008, (EU) "
                "No\xa0167/2013, (EU) No\xa0168/2013, (EU) 2018/858, (EU) 2018/1139 and (EU) 2019/2144 and Directives "
                "2014/90/EU, (EU) 2016/797 and (EU) 2020/1828 (Artificial Intelligence Act)")


class Cellar(StandIn):
    """The stand-in, answering ``GET /webapi/rdf/sparql`` by the request its query names in its first line
    (``# eur_lex act 32024R1689`` -> the route ``/act/32024R1689``); ``requests`` lists those route paths."""

    def _serve(self, handler):
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query).get("query", [""])[0]
        m = re.match(r"# eur_lex (act|related) ([0-9A-Z]+)\n", query)
        if parts.path == "/webapi/rdf/sparql" and m and parse_qs(parts.query).get("format") == [
                "application/sparql-results+json"]:
            handler.path = f"/{m[1]}/{m[2]}"
        super()._serve(handler)


def legalize() -> dict:
    return json.loads(LEGALIZE.read_bytes())


def body(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def no_rows(variables: list[str]) -> bytes:
    """An answer without rows: the legalize answer's envelope with ``variables`` and no bindings (derived)."""
    data = legalize()
    data["head"]["vars"] = variables
    data["results"]["bindings"] = []
    return body(data)


def omnibus_related_row() -> dict:
    """A related-acts row for Regulation (EU) 2026/1744 amending the AI Act, derived (module docstring): the cells
    of JoshDoesIT's recorded 32024R1689 row, with the values the recorded Formex metadata of 2026/1744 gives."""
    window = json.loads(WINDOW.read_bytes())
    real = next(r for r in window["results"]["bindings"] if r["celex"]["value"] == AI_ACT)
    doc = formex.read_document(OMNIBUS_DOC.read_bytes(), OMNIBUS_DOC.name)
    row = {k: copy.deepcopy(real[k]) for k in ("celex", "type", "date", "title")}
    row["celex"]["value"], row["date"]["value"], row["title"]["value"] = OMNIBUS, "2026-07-08", doc.title
    row["relation"] = {"type": "literal", "value": "amends"}
    row["published"] = {**real["date"], "value": "2026-07-24"}
    return row


def related_answer(rows: list[dict]) -> bytes:
    """A related-acts answer in the envelope of JoshDoesIT's recorded answer (derived, module docstring)."""
    window = json.loads(WINDOW.read_bytes())
    window["head"]["vars"] = list(config.load().related_vars)
    window["results"]["bindings"] = rows
    return body(window)


def omnibus_act_answer() -> bytes:
    """An act answer for 32026R1744, derived: the legalize answer's row 0 with its celex, ELI, title, date and
    resource type cells set to the values the recorded Formex metadata of 2026/1744 prints, and the cells that
    metadata does not give (entry into force, end of validity, in force, signature ...) left unbound."""
    data = legalize()
    row = {k: copy.deepcopy(data["results"]["bindings"][0][k]) for k in ("celex", "eli", "title", "date", "rtype")}
    row["celex"]["value"], row["eli"]["value"] = OMNIBUS, "http://data.europa.eu/eli/reg/2026/1744/oj"
    row["title"]["value"], row["date"]["value"] = OMNIBUS_TITLE, "2026-07-08"
    data["results"]["bindings"] = [row]
    return body(data)


@pytest.fixture
def sources(tmp_path, monkeypatch):
    """A copy of the project's sources folder (with the bundled eur_lex version) that the test may change."""
    folder = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", folder)
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    return folder


@pytest.fixture
def api(monkeypatch):
    with Cellar() as server:
        monkeypatch.setenv("ATLAS_EUR_LEX_URL", server.url)
        yield server


def serve(api: Cellar, act: bytes | None = None, related: bytes | None = None,
          omnibus: bytes | None = None) -> None:
    """The AI Act's recorded answer (or ``act``), a related-acts answer (default: no rows) and an answer for
    32026R1744 (default: no rows: CELLAR has no English record of it yet)."""
    api.route(ACT, body=act or LEGALIZE.read_bytes(), headers={"Content-Type": "application/sparql-results+json"})
    api.route(RELATED, body=related or no_rows(list(config.load().related_vars)))
    api.route(f"/act/{OMNIBUS}", body=omnibus or no_rows(list(config.load().act_vars)))


def fetcher(**changes) -> Fetcher:
    return Fetcher(dataclasses.replace(SOURCE.settings(), **changes), sleep=lambda _s: None)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but fetch_status.yaml (which records each attempt by design)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != STATUS_FILE}


def rows_of(snap: snapshots.Snapshot) -> dict[str, list[dict]]:
    return SOURCE.extract(snap).rows


def events(rows: dict) -> list[tuple]:
    """(identifier of the act, event, date, printed, locator, related identifier) of each event row."""
    act = {m["policy_id"]: m["identifier"] for m in rows["policy_mentions"]}
    return [(act[e["policy_id"]], e["event"], e["event_on"].isoformat() if e["event_on"] else None,
             e["event_printed"], e["source_locator"], e["related_identifier"]) for e in rows["policy_events"]]


# --- the bundled first version --------------------------------------------------------------------------------

AI, OM = "CELEX:32024R1689", "CELEX:32026R1744"
BUNDLED_EVENTS = [
    (AI, "adopted", "2024-06-13", "2024-06-13", "acts/32024R1689.json #/results/bindings/0/date", None),
    (AI, "signed", "2024-06-13", "2024-06-13", "acts/32024R1689.json #/results/bindings/0/signature", None),
    (AI, "published", "2024-07-12", "20240712", "formex/32024R1689/L_202401689EN.toc.fmx.xml", None),
    (AI, "entered_into_force", "2024-08-01", "2024-08-01", "acts/32024R1689.json #/results/bindings/2/entryForce",
     None),
    (AI, "applies_from", "2025-02-02", "2025-02-02", "acts/32024R1689.json #/results/bindings/0/entryForce", None),
    (AI, "applies_from", "2025-08-02", "2025-08-02", "acts/32024R1689.json #/results/bindings/4/entryForce", None),
    (AI, "applies_from", "2026-08-02", "2026-08-02", "acts/32024R1689.json #/results/bindings/1/entryForce", None),
    (AI, "applies_from", "2027-08-02", "2027-08-02", "acts/32024R1689.json #/results/bindings/3/entryForce", None),
    (OM, "adopted", "2026-07-08", "20260708", "formex/32026R1744/L_202601744EN.doc.fmx.xml", None),
    (OM, "published", "2026-07-24", "20260724", "formex/32026R1744/L_202601744EN.toc.fmx.xml", None),
    (AI, "amended", "2026-07-08", "20260708", "formex/32026R1744/L_202601744EN.doc.fmx.xml", "CELEX:32026R1744"),
]


def test_bundled_version_extracts_the_ai_act_and_the_omnibus_with_exact_values():
    snap = snapshots.load("eur_lex", ROOT / "sources")
    assert snap.version == "2026-12-05"
    rows = rows_of(snap)
    ai, om = rows["policy_mentions"]
    assert {k: ai[k] for k in ("source_locator", "context", "jurisdiction", "title_printed", "title_en", "identifier",
                               "url", "issued_printed", "issued_on", "instrument_type", "status", "text")} == {
        "source_locator": "formex/32024R1689/L_202401689EN.doc.fmx.xml", "context": "record", "jurisdiction": "EU",
        "title_printed": AI_ACT_TITLE, "title_en": AI_ACT_TITLE, "identifier": "CELEX:32024R1689",
        "url": "http://data.europa.eu/eli/reg/2024/1689/oj", "issued_printed": "2024-06-13",
        "issued_on": dt.date(2024, 6, 13), "instrument_type": "regulation", "status": "adopted",
        "text": "CELEX: 32024R1689; ELI: http://data.europa.eu/eli/reg/2024/1689/oj; resource type: REG; in force: 1; "
                "date of the document: 2024-06-13; entry into force: 2024-08-01, 2025-02-02, 2025-08-02, 2026-08-02, "
                "2027-08-02; end of validity: 9999-12-31; Official Journal: L 2024/1689, 12 July 2024"}
    assert (om["title_printed"], om["identifier"], om["url"], om["issued_printed"], om["status"],
            om["instrument_type"], om["text"]) == (
        OMNIBUS_TITLE, "CELEX:32026R1744", "http://data.europa.eu/eli/reg/2026/1744/oj", "2026-07-08", "adopted",
        "regulation", "CELEX: 32026R1744; ELI: http://data.europa.eu/eli/reg/2026/1744/oj; date of the document: "
                      "20260708; Official Journal: L 2026/1744, 24 July 2026")
    assert events(rows) == BUNDLED_EVENTS
    assert all(e["scope"] is None and e["event_precision"] == "day" for e in rows["policy_events"])
    amended = rows["policy_events"][-1]
    assert (amended["related_policy_id"], amended["text"]) == (om["policy_id"], OMNIBUS_TITLE)
    [rel] = rows["policy_relations"]
    assert (rel["policy_id"], rel["relation"], rel["related_policy_id"], rel["evidence"], rel["source_locator"]) == (
        om["policy_id"], "amends", ai["policy_id"], OMNIBUS_TITLE, "formex/32026R1744/L_202601744EN.doc.fmx.xml")
    assert sorted((f["check_name"], f["record_key"], f["severity"]) for f in rows["quality_flags"]) == [
        ("dates_as_adopted", ai["mention_id"], "info"),
        ("untracked_related_documents", "CELEX:32024R1689", "info"),
        ("untracked_related_documents", "CELEX:32026R1744", "info")]
    untracked = {f["record_key"]: f["detail"].rsplit(": ", 1)[1] for f in rows["quality_flags"]
                 if f["check_name"] == "untracked_related_documents"}
    assert untracked == {"CELEX:32024R1689": "2008/300, 2013/167, 2013/168, 2018/858, 2018/1139, 2019/2144, 2014/90, "
                                             "2016/797, 2020/1828",
                         "CELEX:32026R1744": "2018/1139, 2023/1230"}


def test_the_pipeline_gives_the_rows_the_source_terms_and_role():
    snap = snapshots.load("eur_lex", ROOT / "sources")
    ex = warehouse_sources.extract(snap)
    src = ex.rows["sources"][0]
    assert (src["role"], src["kind"], src["non_commercial"], src["licence"], src["file_count"]) == (
        "legal_record", "live", False, "EU content reusable under Commission Decision 2011/833/EU (attribution)", 5)
    assert {(r["licence"], r["non_commercial"]) for t in ("policy_mentions", "policy_events", "policy_relations")
            for r in ex.rows[t]} == {(src["licence"], False)}


def test_the_two_recordings_of_cellar_agree_on_the_ai_acts_dates():
    """legalize's one-row-per-date answer and JoshDoesIT's GROUP_CONCAT answer are two independent recordings;
    the window's four corrigenda correct other acts (none of the AI Act)."""
    dates = sorted(r["entryForce"]["value"] for r in legalize()["results"]["bindings"])
    window = json.loads(WINDOW.read_bytes())["results"]["bindings"]
    forces = next(r["forces"]["value"] for r in window if r["celex"]["value"] == AI_ACT)
    assert forces.split(",") == dates == ["2024-08-01", "2025-02-02", "2025-08-02", "2026-08-02", "2027-08-02"]
    assert sorted(r["celex"]["value"] for r in window if "R(" in r["celex"]["value"]) == [
        "32014L0049R(05)", "32021R2115R(09)", "32023R2878R(04)", "32024R1611R(01)"]


def test_the_omnibus_date_is_read_from_its_iso_attribute_and_printed_as_printed():
    doc = formex.read_document(OMNIBUS_DOC.read_bytes(), OMNIBUS_DOC.name)
    assert (doc.dated.iso, doc.dated.printed, doc.dated.on, doc.published.on) == (
        "20260708", "20260708", dt.date(2026, 7, 8), dt.date(2026, 7, 24))
    assert "of 8\xa0July 2026 amending" in doc.title and doc.amended == ("2024/1689", "2018/1139", "2023/1230")


def test_the_bundle_script_reproduces_the_committed_version(tmp_path):
    path = bundle.write(tmp_path)
    assert path.name == "2026-12-05"
    assert tree(path) == tree(ROOT / "sources" / "eur_lex" / "2026-12-05")


def test_a_formex_body_that_is_not_the_recorded_one_is_refused(tmp_path):
    for f in FIXTURES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    doc = tmp_path / OMNIBUS_DOC.name
    doc.write_bytes(doc.read_bytes().replace(b"20260724", b"20260725"))       # derived: one date changed
    with pytest.raises(snapshots.SnapshotError, match="sha256 differs"):
        bundle.bundled_files(tmp_path)


# --- resolution with the seed documents ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def extracted() -> dict[str, dict]:
    return {snap.source_id: warehouse_sources.extract(snap).rows for snap in snapshots.verify_all()}


def _resolved(extracted: dict, source_ids: list[str]) -> dict:
    rows = {t: [x for s in source_ids for x in extracted[s][t]]
            for t in ("policy_mentions", "policy_relations", "policy_events")}
    roles = {s: extracted[s]["sources"][0]["role"] for s in source_ids}
    return resolve.resolve(rows["policy_mentions"], rows["policy_relations"], roles=roles,
                           events=rows["policy_events"])


@pytest.mark.parametrize("with_agora", [True, False])
def test_the_ai_act_record_is_the_policy_the_reports_name_ai_fa_an(extracted, with_agora):
    """By CELEX:32024R1689 with AGORA 757 (rule 0), and by the short title ending the OJ title,
    "(Artificial Intelligence Act)", that 001 L325 prints after AI法案 (rule 1c) without it."""
    reports = [s for s, r in extracted.items() if r["sources"][0]["kind"] == "document"]
    seed = next(p for p in _resolved(extracted, reports)["policies"] if p["title"] == "AI 法案")
    out = _resolved(extracted, reports + ["eur_lex"] + (["agora"] if with_agora else []))
    ai = next(p for p in out["policies"] if p["title"] == "AI 法案")
    assert ai["policy_id"] == seed["policy_id"] and ai["mention_count"] == seed["mention_count"] + 1 + with_agora
    mine = {m["source_locator"]: m["policy_id"] for m in out["policy_mentions"] if m["source_id"] == "eur_lex"}
    assert mine["formex/32024R1689/L_202401689EN.doc.fmx.xml"] == ai["policy_id"]
    assert (ai["identifiers"], ai["url"], ai["issued_printed"]) == (
        "CELEX:32024R1689", "http://data.europa.eu/eli/reg/2024/1689/oj", "2024-06-13")
    stages = sorted((e["event"], e["event_on"].isoformat()) for e in out["policy_events"]
                    if e["policy_id"] == ai["policy_id"] and e["source_id"] == "eur_lex")
    assert stages == [("adopted", "2024-06-13"), ("amended", "2026-07-08"), ("applies_from", "2025-02-02"),
                      ("applies_from", "2025-08-02"), ("applies_from", "2026-08-02"), ("applies_from", "2027-08-02"),
                      ("entered_into_force", "2024-08-01"), ("published", "2024-07-12"), ("signed", "2024-06-13")]
    omnibus = mine["formex/32026R1744/L_202601744EN.doc.fmx.xml"]
    assert [(r["policy_id"], r["relation"], r["related_policy_id"]) for r in out["policy_relations"]
            if r["source_id"] == "eur_lex"] == [(omnibus, "amends", ai["policy_id"])]


# --- fetching ------------------------------------------------------------------------------------------------------

def test_first_refresh_asks_for_the_related_acts_and_each_tracked_act(sources, api):
    serve(api, related=related_answer([omnibus_related_row()]))
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    # the AI Act's answer is the bundled one: only the related-acts answer is new; 32026R1744 has no rows yet
    assert (result.changed, result.version, result.changed_files, result.requests) == (
        True, "2026-12-07", ("related/32024R1689.json",), 3)
    assert [r[0] for r in api.requests] == [RELATED, ACT, f"/act/{OMNIBUS}"]
    snap = snapshots.load("eur_lex", sources)
    assert sorted(f["name"] for f in snap.files) == [
        "acts/32024R1689.json", "formex/32024R1689/L_202401689EN.doc.fmx.xml",
        "formex/32024R1689/L_202401689EN.toc.fmx.xml", "formex/32026R1744/L_202601744EN.doc.fmx.xml",
        "formex/32026R1744/L_202601744EN.toc.fmx.xml", "related/32024R1689.json"]
    entry = snap.file_entry("acts/32024R1689.json")
    assert entry["url"].startswith(api.url + "/webapi/rdf/sparql?query=%23+eur_lex+act+32024R1689%0APREFIX")
    assert (entry["params"]["format"], entry["note"]) == ("application/sparql-results+json", "tracked in settings.yaml")
    assert entry["params"]["query"].startswith("# eur_lex act 32024R1689\nPREFIX cdm:")
    rows = rows_of(snap)
    # the link is now CELLAR's statement (first kept), no longer read from the title
    assert events(rows)[:-1] == BUNDLED_EVENTS[:-1]
    assert events(rows)[-1] == (AI, "amended", "2026-07-08", "2026-07-08",
                                "related/32024R1689.json #/results/bindings/0", "CELEX:32026R1744")
    [rel] = rows["policy_relations"]
    assert (rel["evidence"], rel["source_locator"]) == ("32026R1744 cdm:resource_legal_amends_resource_legal "
                                                        "32024R1689", "related/32024R1689.json #/results/bindings/0")


def test_the_same_answers_in_another_row_order_write_no_version(sources, api):
    serve(api)
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    before = tree(sources)
    shuffled = legalize()
    shuffled["results"]["bindings"].reverse()                  # derived: the recorded rows in another order
    serve(api, act=body(shuffled))
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.requests) == (False, "2026-12-07", 3)
    assert "every response is the same as" in result.message and tree(sources) == before
    assert fingerprint("acts/32024R1689.json", body(shuffled)) == fingerprint("acts/32024R1689.json",
                                                                               LEGALIZE.read_bytes())


def test_a_newer_entry_into_force_date_is_a_new_version_with_the_new_stage(sources, api):
    newer = legalize()
    extra = copy.deepcopy(newer["results"]["bindings"][3])        # derived: one more row, dated 2028-08-02
    extra["entryForce"]["value"] = "2028-08-02"
    newer["results"]["bindings"].append(extra)
    serve(api, act=body(newer))
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert result.changed and "acts/32024R1689.json" in result.changed_files
    found = events(rows_of(snapshots.load("eur_lex", sources)))
    assert (AI, "applies_from", "2028-08-02", "2028-08-02", "acts/32024R1689.json #/results/bindings/5/entryForce",
            None) in found
    assert len(found) == len(BUNDLED_EVENTS) + 1


def test_an_amending_act_cellar_names_is_followed_and_gives_the_amended_stage(sources, api, monkeypatch):
    """A version from before the Omnibus (the bundled AI Act files only) and settings tracking the AI Act alone:
    CELLAR's related-acts answer names 32026R1744 (derived, module docstring), which is then asked for and kept."""
    only_ai_act = dataclasses.replace(config.load(), track=(config.Tracked(AI_ACT, True),))
    monkeypatch.setattr(config, "load", lambda *a: only_ai_act)
    bundled = {f.name: f for f in bundle.bundled_files()}
    before = write_version("eur_lex", [f for n, f in bundled.items() if OMNIBUS not in n], SOURCE.meta(),
                           accessed=datetime(2026, 12, 6, tzinfo=timezone.utc), folder=sources)
    old = rows_of(snapshots.load("eur_lex", sources))
    assert before.name == "2026-12-06" and [e[1] for e in events(old)].count("amended") == 0
    serve(api, related=related_answer([omnibus_related_row()]), omnibus=omnibus_act_answer())
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert result.changed_files == ("acts/32026R1744.json", "related/32024R1689.json")
    snap = snapshots.load("eur_lex", sources)
    assert snap.file_entry("acts/32026R1744.json")["note"] == (
        "found by related/32024R1689.json: 32026R1744 amends 32024R1689")
    rows = rows_of(snap)
    om = next(m for m in rows["policy_mentions"] if m["identifier"] == "CELEX:32026R1744")
    assert (om["title_printed"], om["source_locator"], om["url"]) == (
        OMNIBUS_TITLE, "acts/32026R1744.json #/results/bindings/0/title", "http://data.europa.eu/eli/reg/2026/1744/oj")
    new = [e for e in events(rows) if e not in events(old)]
    related_row = "related/32024R1689.json #/results/bindings/0"
    assert new == [(OM, "adopted", "2026-07-08", "2026-07-08", "acts/32026R1744.json #/results/bindings/0/date", None),
                   (OM, "published", "2026-07-24", "2026-07-24", f"{related_row}/published", None),
                   (AI, "amended", "2026-07-08", "2026-07-08", "related/32024R1689.json #/results/bindings/0",
                    "CELEX:32026R1744")]


def test_a_corrigendum_is_a_stage_of_the_act_it_corrects_not_an_act(sources, api):
    """No corrigendum of the AI Act is recorded. Derived: the real row of the corrigendum 32024R1611R(01) in
    JoshDoesIT's answer (no title, as CELLAR recorded it), presented as correcting the AI Act, so that the
    ``corrects`` path runs on a real corrigendum row's cells."""
    window = json.loads(WINDOW.read_bytes())["results"]["bindings"]
    row = copy.deepcopy(next(r for r in window if r["celex"]["value"] == "32024R1611R(01)"))
    row = {k: row[k] for k in ("celex", "type", "date")} | {"relation": {"type": "literal", "value": "corrects"}}
    serve(api, related=related_answer([row]))
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert [r[0] for r in api.requests] == [RELATED, ACT, f"/act/{OMNIBUS}"]     # not asked for as an act
    rows = rows_of(snapshots.load("eur_lex", sources))
    assert [m["identifier"] for m in rows["policy_mentions"]] == [AI, OM]
    assert [e for e in events(rows) if e[1] == "corrected"] == [
        (AI, "corrected", "2024-06-13", "2024-06-13", "related/32024R1689.json #/results/bindings/0",
         "CELEX:32024R1611R(01)")]


def test_a_5xx_then_the_answer_is_retried(sources, api):
    serve(api)
    api.route(ACT, [Reply(status=503), Reply(body=LEGALIZE.read_bytes())])
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert result.changed and api.count(ACT) == 2 and result.requests == 4


def test_a_timeout_leaves_the_sources_untouched_and_the_source_stale(sources, api):
    serve(api)
    api.route(ACT, body=LEGALIZE.read_bytes(), delay=1.0)
    before = tree(sources)
    with pytest.raises(TransientFetchError, match="gave up after 2 attempts"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(read_timeout=0.2, attempts=2), now=NOW)
    assert tree(sources) == before and read_status(sources)["eur_lex"]["stale_since"]


@pytest.mark.parametrize("answer, field", [
    (lambda: WINDOW.read_bytes(), "'eli', 'entryForce', 'endValidity'"),   # the window query's real answer
    (lambda: LEGALIZE.read_bytes().replace(b'"entryForce"', b'"entryIntoForce"'), "'entryForce'"),   # derived
])
def test_an_answer_without_a_variable_is_schema_drift_naming_it(sources, api, answer, field):
    serve(api, act=answer())
    before = tree(sources)
    with pytest.raises(SchemaDrift, match=f"head.vars lacks {field}"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert tree(sources) == before and "schema drift" in read_status(sources)["eur_lex"]["error"]


def test_an_incomplete_answer_is_refused(sources, api):
    serve(api)
    api.route(ACT, body=LEGALIZE.read_bytes(), headers={
        "X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by "
                                                 "result timeout."})
    with pytest.raises(FetchError, match="incomplete.*x-sql-state: S1TAT"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)


def test_an_answer_about_another_act_is_refused(sources, api):
    serve(api, omnibus=LEGALIZE.read_bytes())
    with pytest.raises(FetchError, match="asked for CELEX 32026R1744, the answer is about 32024R1689"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)


def test_more_related_acts_than_allowed_is_an_error_not_a_cut(sources, api, monkeypatch):
    limited = dataclasses.replace(config.load(), max_related=0)
    monkeypatch.setattr(config, "load", lambda *a: limited)
    serve(api, related=related_answer([omnibus_related_row()]))
    with pytest.raises(FetchError, match="more than 0 related acts for 32024R1689"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)


def test_a_tracked_act_that_is_not_a_celex_number_is_a_config_error(tmp_path):
    text = config.SETTINGS_FILE.read_text(encoding="utf-8").replace("celex: 32026R1744", "celex: 2026/1744")
    (tmp_path / "settings.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"settings.yaml line \d+ \(track entry 2\): '2026/1744' is not the CELEX"):
        config.load(tmp_path / "settings.yaml")


def test_a_recorded_file_keeps_its_provenance_when_carried_over(sources, api):
    serve(api)
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    snap = snapshots.load("eur_lex", sources)
    bundled = snapshots.load("eur_lex", ROOT / "sources")
    name = "formex/32026R1744/L_202601744EN.doc.fmx.xml"
    assert snap.file_entry(name) == bundled.file_entry(name)
    assert hashlib.sha256(snap.file(name).read_bytes()).hexdigest() == bundled.file_entry(name)["sha256"]
