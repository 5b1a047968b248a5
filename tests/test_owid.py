"""The ``owid`` live source: extraction of the bundled first snapshot (exact values of the real CSVs), and
fetching from a real HTTP stand-in on 127.0.0.1 serving the recorded responses (tests/fixtures/live/owid/,
see PROVENANCE.md there): a first fetch, 304s and an unchanged ``lastUpdated`` that write nothing, a CSV carried
over on 304, and the faults (invalid JSON, a renamed column, a missing ``Year``, a body over the size cap) that
leave every snapshot byte-identical. Bodies marked "derived" are changed copies of a real file made here.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

import schemas
from extractors.core import snapshots
from extractors.core.fetch import Fetcher, FetchError, SchemaDrift
from extractors.core.live import refresh
from extractors.core.snapshot_writer import RecordedFile, write_version
from extractors.owid import SOURCE, config, extract
from tests.live_server import StandIn

FIXTURES = Path(__file__).parent / "fixtures" / "live" / "owid"
GENAI, PRIVATE = "global-investment-in-generative-ai", "private-investment-in-artificial-intelligence"
INTERNET = "share-of-individuals-using-the-internet"
DAY1 = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def real(name: str) -> bytes:
    """A recorded response, byte for byte (``<slug>.csv`` / ``<slug>.metadata.json``)."""
    recorder = "jingruchenmax__juicyvis__" if name.startswith(INTERNET) else "adrimrtnz__vd-streamlit-app__"
    return (FIXTURES / (recorder + name)).read_bytes()


def rows_by_id(ex) -> dict[str, dict]:
    return {r["record_id"]: r for r in ex.rows["indicators"]}


def tree(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` but fetch_status.yaml (which records each attempt)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "fetch_status.yaml"}


@pytest.fixture
def api(monkeypatch):
    """The stand-in, playing ourworldindata.org for the two AI charts (the other listed charts answer 404)."""
    with StandIn() as server:
        for slug in (GENAI, PRIVATE):
            server.route(f"/grapher/{slug}.metadata.json", body=real(f"{slug}.metadata.json"), etag=f'"m-{slug}"',
                         headers={"Content-Type": "application/json"})
            server.route(f"/grapher/{slug}.csv", body=real(f"{slug}.csv"), etag=f'"c-{slug}"',
                         headers={"Content-Type": "text/csv"})
        monkeypatch.setenv("ATLAS_OWID_URL", server.url)
        yield server


def fetcher(**changes) -> Fetcher:
    return Fetcher(dataclasses.replace(SOURCE.settings(), **changes), sleep=lambda _: None)


# --- extraction of the bundled first snapshot --------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled():
    return extract.extract(snapshots.load("owid"))


def test_bundled_snapshot_exact_values(bundled):
    rows = rows_by_id(bundled)
    assert len(rows) == 6 + 48 and bundled.rows["quality_flags"] == []
    world = rows["owid:global-investment-in-generative-ai:v1025676:WLD:2024"]
    assert world == {
        "record_id": "owid:global-investment-in-generative-ai:v1025676:WLD:2024", "scope": "WLD",
        "indicator": "owid_generative_ai", "measure": "Global investment in generative AI", "section": None,
        "subject": None, "period_start": 2024, "period_end": 2024, "value": 29317294424.0,
        "unit": "constant 2021 US$", "value_printed": "29317294424",
        "publisher": "Quid via AI Index Report (2025); U.S. Bureau of Labor Statistics (2025) – with major "
                     "processing by Our World in Data", "other_locators": None,
        "licence": "CC BY-ND 4.0", "non_commercial": False, "source_id": "owid",
        "source_locator": "global-investment-in-generative-ai.csv L7"}
    assert rows["owid:global-investment-in-generative-ai:v1025676:WLD:2020"]["source_locator"] == \
        "global-investment-in-generative-ai.csv L3"
    china = rows["owid:private-investment-in-artificial-intelligence:v1026151:CN:2021"]
    assert (china["value"], china["value_printed"], china["indicator"]) == \
        (25891135000.0, "25891135000", "owid_private_investment")
    assert china["source_locator"] == "private-investment-in-artificial-intelligence.csv L10"
    europe = rows["owid:private-investment-in-artificial-intelligence:v1026151:150:2024"]
    assert (europe["value"], europe["measure"]) == (16773833138.0, "Global total private investment in AI")
    assert europe["source_locator"] == "private-investment-in-artificial-intelligence.csv L25"
    assert rows["owid:private-investment-in-artificial-intelligence:v1026151:WLD:2021"]["value_printed"] == \
        "145400000000"
    assert {r["scope"] for r in rows.values()} == {"WLD", "CN", "US", "150"}


def test_bundled_rows_fit_the_contract_and_pass_expectations(bundled):
    import pandas as pd

    from expectations import suites
    from warehouse import staging

    table = schemas.table("indicators")
    rows = bundled.rows["indicators"]
    assert all(list(row) == table.column_names for row in rows)
    assert all(re.fullmatch(table.column("indicator").pattern, r["indicator"]) for r in rows)
    staging.to_arrow("indicators", rows)                         # raises when a row does not fit the schema
    report = suites.validate_frames({"indicators": pd.DataFrame(rows, columns=table.column_names)})
    assert [e for e in report["tables"]["indicators"]["expectations"] if not e["success"]] == []
    assert report["tables"]["indicators"]["rows"] == 54


def test_bundled_version_provenance():
    snap = snapshots.load("owid")
    assert snap.version == "2026-12-05" and snap.meta["extractor"] == "owid"
    entry = snap.file_entry(f"{GENAI}.csv")
    assert entry["url"] == ("https://ourworldindata.org/grapher/global-investment-in-generative-ai.csv"
                            "?v=1&csvType=full&useColumnShortNames=false")
    assert entry["retrieved_at"] == "2025-05-25" and "adrimrtnz/vd-streamlit-app @ c6bb7d4" in entry["note"]
    assert snap.file_entry(f"{PRIVATE}.metadata.json")["owid_last_updated"] == {"1026151": "2025-04-08"}
    assert snap.file(f"{GENAI}.csv").read_bytes() == real(f"{GENAI}.csv")
    assert sorted(f["name"] for f in snap.files) == sorted(
        f"{s}{ext}" for s in (GENAI, PRIVATE) for ext in (".csv", ".metadata.json"))


def test_licence_per_row_reaches_the_warehouse():
    from warehouse import sources

    ex = sources.extract(snapshots.load("owid"))
    assert {(r["licence"], r["non_commercial"]) for r in ex.rows["indicators"]} == {("CC BY-ND 4.0", False)}
    assert ex.rows["sources"][0]["licence"] == "OWID's own work CC BY 4.0; each indicator carries its origin's licence"
    assert ex.rows["sources"][0]["role"] == "statistics" and ex.rows["sources"][0]["file_count"] == 4


@pytest.mark.parametrize("entity, code, scope", [
    ("China", "CHN", "CN"), ("United States", "USA", "US"), ("World", "OWID_WRL", "WLD"), ("Europe", "EUR", "150"),
    ("Europe", "", "150"), ("North America", "", None), ("Kosovo", "OWID_KOS", None), ("World", "", None),
    ("High-income countries", "OWID_HIC", None)])
def test_scope_of_entities(entity, code, scope):
    assert extract.scope_of(entity, code, config.load().scopes) == scope


def test_unmapped_entities_are_flagged_and_skipped(tmp_path):
    # derived: the real internet CSV (not about AI, never bundled) with its header set to the metadata's shortName,
    # as a useColumnShortNames=true request prints it
    body = real(f"{INTERNET}.csv").replace(b"Share of the population using the Internet", b"it_net_user_zs", 1)
    files = [RecordedFile(f"{INTERNET}.csv", body, "http://127.0.0.1/x.csv"),
             RecordedFile(f"{INTERNET}.metadata.json", real(f"{INTERNET}.metadata.json"), "http://127.0.0.1/x.json")]
    write_version("owid", files, SOURCE.meta(), accessed=DAY1, folder=tmp_path)
    ex = extract.extract(snapshots.load("owid", tmp_path))
    rows = rows_by_id(ex)
    assert len(rows) == 6318 - 222                 # 6,318 data rows (no final newline), 222 unmapped
    afghanistan = rows["owid:share-of-individuals-using-the-internet:v1144742:AF:2001"]
    assert (afghanistan["value_printed"], afghanistan["source_locator"], afghanistan["licence"]) == \
        ("0.00472257", "share-of-individuals-using-the-internet.csv L3", None)
    flags = ex.rows["quality_flags"]
    assert [f["check_name"] for f in flags] == ["licence_unreviewed"] + ["entity_unmapped"] * 12
    kosovo = next(f for f in flags if "'Kosovo'" in f["detail"])
    assert kosovo["detail"].endswith("2 row(s) skipped (lines 3028-3029)") and kosovo["source_locator"] == \
        "share-of-individuals-using-the-internet.csv L3028"


# --- fetching from the stand-in -----------------------------------------------------------------------------------

def test_first_fetch_then_304_writes_nothing(api, tmp_path):
    first = refresh(SOURCE, folder=tmp_path, fetcher=fetcher(), now=DAY1)
    assert first.changed and first.version == "2026-12-06"
    assert first.changed_files == tuple(sorted(f"{s}{e}" for s in (GENAI, PRIVATE) for e in (".csv", ".metadata.json")))
    snap = snapshots.load("owid", tmp_path)
    entry = snap.file_entry(f"{GENAI}.csv")
    assert entry["etag"] == f'"c-{GENAI}"' and entry["params"] == config.load().params
    assert entry["url"].endswith("/grapher/global-investment-in-generative-ai.csv?v=1&csvType=full"
                                 "&useColumnShortNames=true")
    assert rows_by_id(extract.extract(snap))["owid:global-investment-in-generative-ai:v1025676:WLD:2024"]["value"] \
        == 29317294424.0
    before = tree(tmp_path)
    second = refresh(SOURCE, folder=tmp_path, fetcher=fetcher(), now=DAY2)
    assert not second.changed and second.version == "2026-12-06" and "change probe" in second.message
    assert tree(tmp_path) == before
    metadata_requests = [h for p, _, h in api.requests if p == f"/grapher/{GENAI}.metadata.json"]
    assert metadata_requests[-1]["If-None-Match"] == f'"m-{GENAI}"'
    assert api.count(f"/grapher/{GENAI}.csv") == 1               # lastUpdated unchanged: the CSV is not asked again
    bills = [p for p, _, _ in api.requests if p == "/grapher/number-of-ai-bills-passed-into-law.metadata.json"]
    assert len(bills) == 2                                          # 404 each time, never recorded: skipped


def test_only_date_downloaded_changed_writes_nothing(api, tmp_path):
    refresh(SOURCE, folder=tmp_path, fetcher=fetcher(), now=DAY1)
    before = tree(tmp_path)
    for slug in (GENAI, PRIVATE):   # derived: the real metadata requested a day later (no ETag this time)
        body = real(f"{slug}.metadata.json").replace(b'"dateDownloaded": "2025-05-25"',
                                                     b'"dateDownloaded": "2026-12-07"')
        api.route(f"/grapher/{slug}.metadata.json", body=body)
    result = refresh(SOURCE, folder=tmp_path, fetcher=fetcher(), now=DAY2)
    assert not result.changed and "every response is the same" in result.message
    assert tree(tmp_path) == before and api.count(f"/grapher/{GENAI}.csv") == 1


def test_new_last_updated_asks_for_the_csv_and_a_304_carries_it_over(api, tmp_path):
    refresh(SOURCE, folder=tmp_path, fetcher=fetcher(), now=DAY1)
    # derived: the real metadata with a later lastUpdated (a new release of the indicator)
    body = real(f"{GENAI}.metadata.json").replace(b'"lastUpdated": "2025-04-08"', b'"lastUpdated": "2026-04-20"')
    api.route(f"/grapher/{GENAI}.metadata.json", body=body, etag='"m-2"')
    result = refresh(SOURCE, folder=tmp_path, fetcher=fetcher(), now=DAY2)
    assert result.changed and result.changed_files == (f"{GENAI}.metadata.json",)
    snap = snapshots.load("owid", tmp_path)
    assert snap.version == "2026-12-07"
    csv_entry = snap.file_entry(f"{GENAI}.csv")
    assert csv_entry["status"] == 304 and csv_entry["note"] == "304 Not Modified: the bytes of version 2026-12-06"
    assert snap.file(f"{GENAI}.csv").read_bytes() == real(f"{GENAI}.csv")
    assert snap.file_entry(f"{GENAI}.metadata.json")["owid_last_updated"] == {"1025676": "2026-04-20"}
    assert api.count(f"/grapher/{GENAI}.csv") == 2 and api.count(f"/grapher/{PRIVATE}.csv") == 1


@pytest.fixture
def pinned(sources_copy):
    """A copy of sources/ with the bundled owid version pinned, and its hashes before the fetch."""
    return sources_copy, tree(sources_copy)


def _fails(folder: Path, error: type, message: str, **changes) -> FetchError:
    with pytest.raises(error) as info:
        refresh(SOURCE, folder=folder, fetcher=fetcher(**changes), now=DAY1)
    assert message in str(info.value), str(info.value)
    status = yaml.safe_load((folder / "fetch_status.yaml").read_text(encoding="utf-8"))["owid"]
    assert status["stale_since"] == "2026-12-06T09:00:00+00:00" and message in status["error"]
    return info.value


def test_invalid_json_metadata_is_refused_and_sources_stay(api, pinned):
    folder, before = pinned
    body = real(f"{GENAI}.metadata.json")[:1000]          # derived: the real metadata cut after 1000 bytes
    api.route(f"/grapher/{GENAI}.metadata.json", body=body)
    exc = _fails(folder, FetchError, "response is not valid JSON")
    assert exc.url.startswith(api.url + f"/grapher/{GENAI}.metadata.json?")
    assert tree(folder) == before


def test_renamed_csv_column_is_schema_drift(api, pinned):
    folder, before = pinned
    # derived: the real CSV with its indicator column renamed
    body = real(f"{GENAI}.csv").replace(b"Global investment in generative AI", b"Investment in generative AI", 1)
    api.route(f"/grapher/{GENAI}.csv", body=body)
    exc = _fails(folder, SchemaDrift, "CSV column 'Investment in generative AI' is not among the metadata's columns "
                 "(Global investment in generative AI) by name or shortName")
    assert exc.source_id == "owid" and f"/grapher/{GENAI}.csv?" in exc.url
    assert tree(folder) == before


def test_long_name_csv_that_metadata_does_not_key_is_schema_drift(api, pinned):
    folder, before = pinned
    # real, not derived: the internet chart's long-name CSV prints the display title, its metadata another key
    api.route(f"/grapher/{GENAI}.metadata.json", body=real(f"{INTERNET}.metadata.json"))
    api.route(f"/grapher/{GENAI}.csv", body=real(f"{INTERNET}.csv"))
    _fails(folder, SchemaDrift, "CSV column 'Share of the population using the Internet' is not among the "
           "metadata's columns (Individuals using the Internet (% of population))")
    assert tree(folder) == before


@pytest.mark.parametrize("old, new, message", [
    (b'"owidVariableId": 1025676,', b"", "metadata column 'Global investment in generative AI' has no integer "
     "'owidVariableId'"),
    (b'"columns": {', b'"cols": {', "metadata has no 'columns' mapping (field 'columns')"),
])
def test_metadata_without_variable_id_or_columns_is_schema_drift(api, pinned, old, new, message):
    folder, before = pinned
    body = real(f"{GENAI}.metadata.json")           # derived: a key of the real metadata removed or renamed
    assert old in body
    api.route(f"/grapher/{GENAI}.metadata.json", body=body.replace(old, new, 1))
    _fails(folder, SchemaDrift, message)
    assert tree(folder) == before


def test_day_instead_of_year_is_schema_drift(api, pinned):
    folder, before = pinned
    body = real(f"{INTERNET}.csv").replace(b"Entity,Code,Year,", b"Entity,Code,Day,", 1)   # derived: a daily chart
    api.route(f"/grapher/{GENAI}.csv", body=body)
    _fails(folder, SchemaDrift, "CSV has no 'Year' column (header: Entity, Code, Day, ")
    assert tree(folder) == before


def test_body_over_the_size_cap_is_refused(api, pinned):
    folder, before = pinned
    api.route(f"/grapher/{GENAI}.csv", body=real(f"{INTERNET}.csv"))     # real, 161,883 bytes
    _fails(folder, FetchError, "response of 161883 bytes is over the 100000-byte cap", max_bytes=100_000)
    assert tree(folder) == before


def test_a_recorded_chart_that_disappears_fails_the_fetch(api, tmp_path):
    refresh(SOURCE, folder=tmp_path, fetcher=fetcher(), now=DAY1)
    before = tree(tmp_path)
    api.routes.pop(f"/grapher/{PRIVATE}.metadata.json")
    with pytest.raises(FetchError, match="HTTP 404"):
        refresh(SOURCE, folder=tmp_path, fetcher=fetcher(), now=DAY2)
    assert tree(tmp_path) == before


def test_bundle_script_writes_the_first_version(tmp_path):
    from extractors.owid import bundle

    path = bundle.main(["--sources", str(tmp_path)])
    assert path == tmp_path / "owid" / "2026-12-05"
    ours, repo = snapshots.load("owid", tmp_path), snapshots.load("owid")
    assert ours.meta["files"] == repo.meta["files"] and ours.meta["sha256"] == repo.meta["sha256"]
    assert json.loads((path / f"{GENAI}.metadata.json").read_bytes())["dateDownloaded"] == "2025-05-25"
    shutil.rmtree(path)
