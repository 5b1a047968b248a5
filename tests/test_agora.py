"""The AGORA live source: the bundled first version extracted to exact values, and fetches from a stand-in Zenodo
on 127.0.0.1 (tests/live_server.py) serving real bodies.

What the stand-in serves is built here, in the test, from real files (tests/fixtures/live/, see PROVENANCE.md):
``agora.zip`` is a ZIP of the real AGORA members (documents.csv: header and 13 whole records; authorities.csv),
and the record JSON is the real Zenodo record body of the commonmeta-py cassette (GET /api/records/8173303) with
``id``, ``recid``, ``revision``, ``files`` and ``links`` replaced to describe that ZIP at the stand-in's address
(Zenodo's real record of AGORA was not recorded). Broken bodies (a renamed column, a corrupt download, a missing
member) are derived from the same files in each test.
"""
from __future__ import annotations

import copy
import hashlib
import io
import json
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from extractors.agora import SOURCE, authorities, bundle, config
from extractors.agora.fetch import fingerprint
from extractors.core import snapshots
from extractors.core.fetch import Fetcher, FetchError, SchemaDrift
from extractors.core.live import refresh
from extractors.core.snapshot_writer import STATUS_FILE
from tests.live_server import StandIn

ROOT = Path(__file__).resolve().parent.parent
LIVE = ROOT / "tests" / "fixtures" / "live"
DOCUMENTS = LIVE / "agora" / "aashish254__ai-regulation-analytics__agora_documents.SUBSET-13-rows.csv"
AUTHORITIES = LIVE / "agora" / "aashish254__ai-regulation-analytics__agora_authorities.csv"
CASSETTE = LIVE / "zenodo" / "front-matter__commonmeta-py__test_presentation.yaml"
OLD_SHAPE = LIVE / "zenodo" / "front-matter__commonmeta-py__inveniordm-software.json"
NEWEST = 15672629            # the id the stand-in's versions/latest redirects to
LATEST = f"/api/records/{config.load().record_id}/versions/latest"
RECORD = f"/api/records/{NEWEST}"
CONTENT = f"/api/records/{NEWEST}/files/agora.zip/content"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def agora_zip(documents: bytes | None = None, authorities_csv: bytes | None = None, *,
              leave_out: str | None = None) -> bytes:
    """A ZIP with the agora/ layout of agora.zip holding the real members (or the given derived bodies)."""
    members = {"agora/documents.csv": documents or DOCUMENTS.read_bytes(),
               "agora/authorities.csv": authorities_csv or AUTHORITIES.read_bytes()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            if name != leave_out:
                zf.writestr(name, body)
    return buf.getvalue()


def zenodo_record(base: str, archive: bytes, *, revision: int = 4, downloads: int = 116,
                  size: int | None = None) -> bytes:
    """The real record body of the cassette with id, files and links replaced to describe ``archive`` (see the
    module docstring); ``downloads`` changes a view counter only."""
    cassette = yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))
    record = json.loads(cassette["interactions"][0]["response"]["body"]["string"])
    real_file = record["files"][0]
    record.update(id=NEWEST, recid=str(NEWEST), revision=revision, files=[{
        "id": real_file["id"], "key": "agora.zip", "size": len(archive) if size is None else size,
        "checksum": "md5:" + hashlib.md5(archive).hexdigest(), "links": {"self": base + CONTENT}}])
    record["links"] = {**record["links"], "self": base + RECORD, "latest": base + RECORD + "/versions/latest"}
    record["stats"] = {**record["stats"], "downloads": downloads}
    return json.dumps(record).encode()


def serve(api: StandIn, archive: bytes, record: bytes | None = None) -> None:
    api.route(LATEST, status=301, headers={"Location": api.url + RECORD})
    api.route(RECORD, body=record or zenodo_record(api.url, archive), headers={"Content-Type": "application/json"})
    api.route(CONTENT, body=archive, headers={"Content-Type": "application/octet-stream"})


@pytest.fixture
def sources(tmp_path, monkeypatch):
    """A copy of the project's sources folder (with the bundled AGORA version) that the test may change."""
    folder = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", folder)
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    return folder


@pytest.fixture
def api(monkeypatch):
    with StandIn() as server:
        monkeypatch.setenv("ATLAS_AGORA_URL", server.url)
        yield server


def fetcher() -> Fetcher:
    return Fetcher(SOURCE.settings(), sleep=lambda seconds: None)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but fetch_status.yaml (which records each attempt by design)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != STATUS_FILE}


def mentions(snap: snapshots.Snapshot) -> dict[str, dict]:
    return {m["text"].rsplit("AGORA ID: ", 1)[1].split(";")[0]: m
            for m in SOURCE.extract(snap).rows["policy_mentions"]}


# --- the bundled first version -----------------------------------------------------------------------------------

def test_bundled_version_extracts_one_mention_per_document_with_exact_values():
    snap = snapshots.load("agora", ROOT / "sources")
    assert snap.file_entry("record.json") is None          # bundled: the extraction works without it
    ex = SOURCE.extract(snap)
    found = mentions(snap)
    assert len(ex.rows["policy_mentions"]) == 13 and len(found) == 13
    eo = found["307"]
    assert {k: eo[k] for k in ("source_locator", "context", "jurisdiction", "identifier", "status", "instrument_type",
                               "issued_printed", "issued_on", "issuer_printed", "title_printed", "title_en", "url",
                               "non_commercial")} == {
        "source_locator": "agora/documents.csv L63-79", "context": "record", "jurisdiction": "US",
        "identifier": "EO 14110", "status": "revoked", "instrument_type": "executive_order",
        "issued_printed": "2023-10-30", "issued_on": datetime(2023, 10, 30).date(),
        "issuer_printed": "Executive Office of the President",
        "title_printed": "Executive Order on the Safe, Secure, and Trustworthy Development and Use of Artificial "
                         "Intelligence", "title_en": None,
        "url": "https://www.whitehouse.gov/briefing-room/presidential-actions/2023/10/30/executive-order-on-the-"
               "safe-secure-and-trustworthy-development-and-use-of-artificial-intelligence/",
        "non_commercial": True}
    assert eo["text"].endswith("\nAGORA ID: 307; Casual name: Executive Order on the Safe, Secure, and Trustworthy "
                               "Development and Use of Artificial Intelligence (EO 14110); Most recent activity: "
                               "Defunct; Most recent activity date: 2025-01-20; Proposed date: 2023-10-30")
    assert eo["text"].startswith("Directs the federal government to ensure the safety and security of AI systems")
    assert eo["licence"] == ("ETO AGORA terms of use: attribution required (cite 'Emerging Technology Observatory "
                             "AGORA dataset'); full texts non-commercial")
    assert all(m["licence"] == eo["licence"] and m["non_commercial"] is True for m in found.values())
    assert (found["1763"]["identifier"], found["1780"]["identifier"]) == ("EO 14141", "AGORA:1780")

    ai_act = found["757"]
    assert (ai_act["jurisdiction"], ai_act["identifier"], ai_act["status"], ai_act["instrument_type"],
            ai_act["issued_printed"], ai_act["issuer_printed"]) == (
        "EU", "CELEX:32024R1689", "adopted", "law", "2024-03-13", "European Union")
    assert "; Casual name: EU AI Act; " in ai_act["text"]

    genai = found["1137"]
    assert (genai["jurisdiction"], genai["identifier"], genai["status"], genai["instrument_type"],
            genai["issued_printed"], genai["title"]) == (
        "CN", "AGORA:1137", "adopted", "regulation", "2023-07-10",
        "Interim Measures for the Management of Generative Artificial Intelligence Services")
    draft = found["37"]
    assert (draft["jurisdiction"], draft["status"], draft["issued_printed"]) == ("CN", "proposed", "2023-04-11")

    sb1047, sb53, colorado = found["1163"], found["2041"], found["1376"]
    assert (sb1047["instrument_type"], sb1047["status"], sb1047["issued_printed"]) == ("bill", None, "2024-02-07")
    assert (sb53["jurisdiction"], sb53["instrument_type"], sb53["status"]) == ("US", "bill", "proposed")
    assert sb53["text"].endswith("; Subdivision: US-CA")
    assert (colorado["instrument_type"], colorado["status"], colorado["issued_printed"]) == ("law", "adopted",
                                                                                             "2024-05-17")
    assert (found["1053"]["jurisdiction"], found["1053"]["instrument_type"]) == ("CA", "guideline")
    assert (found["785"]["jurisdiction"], found["785"]["issuer_printed"]) == ("INT", "Private-sector companies")


def test_bundled_version_flags_the_quirks_of_the_real_rows():
    ex = SOURCE.extract(snapshots.load("agora", ROOT / "sources"))
    flags = sorted((f["check_name"], f["severity"], f["source_locator"]) for f in ex.rows["quality_flags"])
    assert flags == [
        ("defunct_bill", "info", "agora/documents.csv L80-90"),
        ("machine_output", "info", "agora/documents.csv L140-156"),
        ("machine_output", "info", "agora/documents.csv L2-16"),
        ("proposed_after_activity", "warning", "agora/documents.csv L140-156"),
        ("proposed_date_missing", "info", "agora/documents.csv L124-130"),
        ("proposed_date_missing", "info", "agora/documents.csv L52-62"),
        ("proposed_date_missing", "info", "agora/documents.csv L91-101"),
    ]
    late = next(f for f in ex.rows["quality_flags"] if f["check_name"] == "proposed_after_activity")
    assert late["detail"] == "Proposed date 2024-07-10 is later than the most recent activity (Enacted on 2023-07-10)"


def test_every_real_authority_has_a_jurisdiction_but_other_authorities():
    read = authorities.read(AUTHORITIES.read_bytes().decode("utf-8-sig"), config.load())
    assert len(read) == 105
    assert sorted(n for n, a in read.items() if a.code is None) == ["Other authorities"]
    picks = {n: (read[n].code, read[n].subdivision) for n in (
        "Government of Turkey", "Government of the United Kingdom", "European Union", "OECD", "Chinese central "
        "government", "Department of Commerce", "District of Columbia", "Seattle, WA", "Miami Dade County, FL")}
    assert picks == {"Government of Turkey": ("TR", None), "Government of the United Kingdom": ("GB", None),
                     "European Union": ("EU", None), "OECD": ("INT", None),
                     "Chinese central government": ("CN", None), "Department of Commerce": ("US", None),
                     "District of Columbia": ("US", "US-DC"), "Seattle, WA": ("US", "US-WA"),
                     "Miami Dade County, FL": ("US", "US-FL")}


def test_the_bundle_script_reproduces_the_committed_version(tmp_path):
    path = bundle.write(tmp_path)
    committed = ROOT / "sources" / "agora" / path.name
    assert path.name == "2026-12-05"
    assert tree(path) == tree(committed)
    assert [f.read_bytes() for f in (DOCUMENTS, AUTHORITIES)] == [
        (committed / "agora" / n).read_bytes() for n in ("documents.csv", "authorities.csv")]


# --- fetching ----------------------------------------------------------------------------------------------------

def test_refresh_follows_versions_latest_and_keeps_the_two_members(sources, api):
    archive = agora_zip()
    serve(api, archive)
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.changed_files, result.requests) == (
        True, "2026-12-07", ("record.json",), 3)          # the members are the bundled bytes: only the record is new
    assert [r[0] for r in api.requests] == [LATEST, RECORD, CONTENT]       # the 301 was followed
    snap = snapshots.load("agora", sources)
    assert snap.version == "2026-12-07" and snapshots.pins(sources)["agora"] == "2026-12-07"
    assert snap.file("agora/documents.csv").read_bytes() == DOCUMENTS.read_bytes()
    assert snap.file("agora/authorities.csv").read_bytes() == AUTHORITIES.read_bytes()
    md5 = hashlib.md5(archive).hexdigest()
    entry = snap.file_entry("agora/documents.csv")
    assert (entry["url"], entry["note"]) == (api.url + CONTENT, f"member of agora.zip md5:{md5}, Zenodo record "
                                             f"{NEWEST} revision 4")
    assert snap.file_entry("record.json")["url"] == api.url + RECORD
    assert json.loads(snap.file("record.json").read_bytes())["id"] == NEWEST
    bundled = mentions(snapshots.load("agora", ROOT / "sources"))
    assert mentions(snap) == bundled            # with record.json present, the same rows


def test_an_unchanged_record_is_not_downloaded_and_writes_no_version(sources, api):
    archive = agora_zip()
    serve(api, archive)
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    before = tree(sources)
    api.route(RECORD, body=zenodo_record(api.url, archive, downloads=121))   # only a view counter moved
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.requests) == (False, "2026-12-07", 2)
    assert "the change probe says" in result.message
    assert api.count(CONTENT) == 1 and tree(sources) == before


def test_a_new_revision_with_the_same_archive_carries_the_members_over(sources, api):
    archive = agora_zip()
    serve(api, archive)
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    api.route(RECORD, body=zenodo_record(api.url, archive, revision=5))
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.changed_files) == (True, "2026-12-07.2", ("record.json",))
    assert api.count(CONTENT) == 1
    snap = snapshots.load("agora", sources)
    entry = snap.file_entry("agora/documents.csv")
    assert entry["status"] == 304 and entry["note"].endswith(
        f"carried over from version 2026-12-07: record {NEWEST} revision 5 has the same "
        f"md5:{hashlib.md5(archive).hexdigest()}")


def test_a_redirect_off_the_allow_list_is_refused(sources, api):
    before = tree(sources)
    api.route(LATEST, status=301, headers={"Location": "https://zenodo.org.example.net" + RECORD})
    with pytest.raises(FetchError, match=r"host 'zenodo\.org\.example\.net' is not in the source's allow-list"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert tree(sources) == before
    assert "allow-list" in yaml.safe_load((sources / STATUS_FILE).read_text())["agora"]["error"]


def test_a_download_that_does_not_match_the_record_md5_is_refused(sources, api):
    archive = agora_zip()
    corrupt = archive[:100] + bytes([archive[100] ^ 0xFF]) + archive[101:]     # one byte of the real ZIP flipped
    serve(api, corrupt, record=zenodo_record(api.url, archive))
    before = tree(sources)
    with pytest.raises(FetchError, match=rf"have md5 {hashlib.md5(corrupt).hexdigest()}, the record says "
                                         rf"{hashlib.md5(archive).hexdigest()}"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert tree(sources) == before


def test_a_renamed_column_is_schema_drift_naming_it_and_nothing_is_written(sources, api):
    real = DOCUMENTS.read_bytes()
    head, rest = real.split(b"\n", 1)
    renamed = head.replace(b",Most recent activity,", b",Latest activity,", 1) + b"\n" + rest
    assert renamed != real
    serve(api, agora_zip(documents=renamed))
    before = tree(sources)
    with pytest.raises(SchemaDrift) as err:
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert str(err.value).startswith(f"source agora: {api.url}{CONTENT}: agora/documents.csv has no column "
                                     f"'Most recent activity'; its header has 100 columns: AGORA ID, ")
    assert tree(sources) == before


def test_an_archive_without_a_member_is_schema_drift(sources, api):
    serve(api, agora_zip(leave_out="agora/authorities.csv"))
    with pytest.raises(SchemaDrift, match=r"agora\.zip has no member 'agora/authorities\.csv'"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)


def test_an_archive_over_the_size_cap_is_not_downloaded(sources, api):
    archive = agora_zip()
    cap = config.load().max_file_bytes
    serve(api, archive, record=zenodo_record(api.url, archive, size=cap + 1))
    with pytest.raises(FetchError, match=rf"agora\.zip {cap + 1} bytes, over the {cap}-byte cap; not downloaded"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert api.count(CONTENT) == 0


def test_the_pre_2023_record_shape(sources, api):
    """The real pre-2023 record (``is_last`` "True", /api/files/<bucket>/ links): as served it has no agora.zip,
    a clear SchemaDrift; with its file entry derived to describe our ZIP, its old-style link is followed."""
    old = json.loads(OLD_SHAPE.read_text(encoding="utf-8"))
    assert old["metadata"]["relations"]["version"][0]["is_last"] == "True"
    api.route(LATEST, status=301, headers={"Location": api.url + "/api/records/7752775"})
    api.route("/api/records/7752775", body=OLD_SHAPE.read_bytes())
    with pytest.raises(SchemaDrift, match=r"record 7752775 has no file 'agora\.zip' in 'files' \(it has: "
                                          r"front-matter/commonmeta-ruby-v3\.0\.1\.zip\)"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)

    archive, derived = agora_zip(), copy.deepcopy(old)
    bucket = derived["files"][0]["bucket"]
    derived["files"][0].update(key="agora.zip", size=len(archive), checksum="md5:" + hashlib.md5(archive).hexdigest(),
                               links={"self": f"{api.url}/api/files/{bucket}/agora.zip"})
    api.route("/api/records/7752775", body=json.dumps(derived).encode())
    api.route(f"/api/files/{bucket}/agora.zip", body=archive)
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert result.changed and api.count(f"/api/files/{bucket}/agora.zip") == 1
    assert snapshots.load("agora", sources).file_entry("agora/documents.csv")["note"].endswith(
        "Zenodo record 7752775 revision 3")


def test_the_fingerprint_ignores_zenodo_view_counters():
    archive = agora_zip()
    one, two = (zenodo_record("http://127.0.0.1:1", archive, downloads=n) for n in (116, 117))
    assert one != two and fingerprint("record.json", one) == fingerprint("record.json", two)
    assert fingerprint("record.json", one) != fingerprint("record.json", zenodo_record("http://127.0.0.1:1", archive,
                                                                                     revision=9))
    assert fingerprint("agora/documents.csv", b"x") == b"x"

