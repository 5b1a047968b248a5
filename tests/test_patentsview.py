"""The ``patentsview`` live source against a stand-in for the USPTO Open Data Portal on 127.0.0.1, serving the
CONSTRUCTED fixtures of tests/fixtures/live/patentsview/ (PatentsView's documented layout; see PROVENANCE.md there:
they are not recorded responses). Covers the first fetch (each file downloaded once into the cache, the key never
recorded), exact recount values (quoted tabs and newlines in titles, a patent with no location, a CPC code outside
the scheme, a withdrawn patent), an unchanged ``fileReleaseDate`` (no download), one changed file (only it is
downloaded), no API key (skipped, nothing requested), the quota reached (refused, nothing written) and a download
cut short (no retry, the last good version kept). Bodies marked "derived" are changed copies made here.
"""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import shutil
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from extractors.core import cache, snapshots
from extractors.core.fetch import Fetcher, FetchError, NotConfigured, QuotaExceeded
from extractors.core.live import refresh
from extractors.patentsview import SOURCE, config, extract, ledger
from live_server import Reply, StandIn

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "live" / "patentsview"
FILES = config.load().files
PRODUCT_PATH = "/api/v1/datasets/products/PVGPATDIS"
FILE_PATH = "/api/v1/datasets/products/files/PVGPATDIS/"
KEY = "test-key-not-a-secret"
DAY1 = datetime(2026, 12, 6, 3, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)


def product(**release: str) -> bytes:
    """The fixture product.json; ``release`` (derived) sets fileReleaseDate of named files (dots as underscores
    are not needed: keys are table names, e.g. g_cpc_current="2026-01-13 08:00:00")."""
    data = json.loads((FIXTURES / "product.json").read_bytes())
    for entry in data["bulkDataProductBag"][0]["productFileBag"]["fileDataBag"]:
        table = entry["fileName"][: -len(".tsv.zip")]
        if table in release:
            entry["fileReleaseDate"] = release[table]
    return json.dumps(data, indent=2).encode()


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "fetch_status.yaml"}


@pytest.fixture
def dirs(tmp_path, monkeypatch) -> dict[str, Path]:
    """A copy of the project's sources (no patentsview version), an empty cache, the key in the environment."""
    folder = tmp_path / "sources"
    shutil.copytree(PROJECT_ROOT / "sources", folder)
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ATLAS_PATENTSVIEW_API_KEY", KEY)
    return {"sources": folder, "cache": tmp_path / "cache"}


@pytest.fixture
def api(monkeypatch):
    with StandIn() as server:
        server.route(PRODUCT_PATH, body=product(), headers={"Content-Type": "application/json"})
        for name in FILES:
            server.route(FILE_PATH + name, body=(FIXTURES / name).read_bytes(),
                         headers={"Content-Type": "application/zip"})
        monkeypatch.setenv("ATLAS_PATENTSVIEW_URL", server.url)
        yield server


def fetcher() -> Fetcher:
    return Fetcher(dataclasses.replace(SOURCE.settings(), backoff=0.0), sleep=lambda _: None)


def paths(server: StandIn) -> list[str]:
    return [p for p, _, _ in server.requests]


def test_first_fetch_downloads_each_file_once_into_the_cache_and_never_records_the_key(dirs, api):
    result = refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY1)
    assert result.changed and result.version == "2026-12-06"
    assert paths(api) == [PRODUCT_PATH, *(FILE_PATH + n for n in FILES)]
    assert all(h.get("X-Api-Key") == KEY for _, _, h in api.requests)
    version = dirs["sources"] / "patentsview" / "2026-12-06"
    assert sorted(p.name for p in version.iterdir()) == ["SHA256SUMS", "origin.yaml", "product.json"]
    snap = snapshots.load("patentsview", dirs["sources"])
    cpc = snap.file_entry("g_cpc_current.tsv.zip")
    body = (FIXTURES / "g_cpc_current.tsv.zip").read_bytes()
    assert cpc["store"] == "cache" and cpc["sha256"] == hashlib.sha256(body).hexdigest()
    assert cpc["file_release_date"] == "2025-10-14 09:12:00" and cpc["file_size"] == len(body) == cpc["size_bytes"]
    assert snap.file("g_cpc_current.tsv.zip") == dirs["cache"] / "sha256" / cpc["sha256"]
    written = "".join(p.read_text(encoding="utf-8", errors="replace") for p in dirs["sources"].rglob("*")
                      if p.is_file())
    assert KEY not in written and config.key_fingerprint(KEY) in written
    entries = ledger.read(dirs["sources"])["patentsview"][f"key {config.key_fingerprint(KEY)}"]
    today = datetime.now(timezone.utc).date().isoformat()       # the ledger keeps the time of each download
    assert sorted(entries) == sorted(FILES) and all(len(v) == 1 and v[0].startswith(today)
                                                    for v in entries.values())


def _rows(ex) -> dict[str, dict]:
    return {r["record_id"]: r for r in ex.rows["patent_counts"]}


def test_recount_exact_values_from_the_fetched_version(dirs, api):
    refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY1)
    ex = extract.extract(snapshots.load("patentsview", dirs["sources"]))
    rows = _rows(ex)
    p = "patentsview:genai-cpc-1:"
    assert {k[len(p):]: r["patents"] for k, r in rows.items() if r["basis"] == "total"} == {
        "total:grant_year:whole:ALL:2021": 1.0, "total:grant_year:whole:ALL:2022": 1.0,
        "total:grant_year:whole:ALL:2023": 2.0, "total:filing_year:whole:ALL:2019": 1.0,
        "total:filing_year:whole:ALL:2020": 1.0, "total:filing_year:whole:ALL:2021": 1.0,
        "total:filing_year:whole:ALL:2022": 1.0}
    grant = {(r["counting"], r["jurisdiction"], r["period_start"]): r["patents"] for r in rows.values()
             if r["basis"] == "inventor_location" and r["date_basis"] == "grant_year"}
    assert grant == {("whole", "US", 2021): 1.0, ("whole", "JP", 2021): 1.0, ("whole", "US", 2022): 1.0,
                     ("whole", "DE", 2022): 1.0, ("whole", "CN", 2023): 1.0,
                     ("fractional", "US", 2021): 0.5, ("fractional", "JP", 2021): 0.5,
                     ("fractional", "US", 2022): 0.666667, ("fractional", "DE", 2022): 0.333333,
                     ("fractional", "CN", 2023): 1.0}
    us = rows[p + "inventor_location:filing_year:fractional:US:2020"]
    assert us == {
        "record_id": p + "inventor_location:filing_year:fractional:US:2020", "jurisdiction": "US",
        "applicant": None, "period_start": 2020, "period_end": 2020, "patent_families": None, "patents": 0.666667,
        "rank": None, "basis": "inventor_location", "date_basis": "filing_year", "counting": "fractional",
        "counted": "Granted US patents (PatentsView g_patent, withdrawn ones excluded) with a current CPC "
                   "G06N3/045, G06N3/0455 or G06N3/0475 (CPC 2023.01; definition genai-cpc-1), attributed to the "
                   "countries of their inventors' disambiguated locations (g_inventor_disambiguated.location_id -> "
                   "g_location_disambiguated.disambig_country), by filing year (g_application.filing_date); "
                   "fractional counting: each inventor carries 1/n of the patent (n: its inventors), a country the "
                   "shares of its inventors.",
        "definition_version": "genai-cpc-1", "data_release": date(2025, 10, 14), "publisher": "USPTO PatentsView",
        "source_id": "patentsview", "source_locator": "g_cpc_current.tsv.zip"}
    assignees = {(r["applicant"], r["jurisdiction"]): (r["period_start"], r["period_end"], r["patents"])
                 for r in rows.values() if r["basis"] == "assignee"}
    assert assignees == {("Alpha Imaging, Inc.", "US"): (2021, 2022, 2.0), ('Beta "Sprach" GmbH', "DE"):
                         (2022, 2022, 1.0), ("Gamma Intelligence Co., Ltd.", "CN"): (2023, 2023, 1.0)}
    assert len(rows) == 7 + 20 + 3
    flags = {f["check_name"]: f["detail"] for f in ex.rows["quality_flags"]}
    assert flags == {
        "cpc_outside_scheme": "1 g_cpc_current row(s) carry G06N3/0499, which g_cpc_title does not list (not a "
                              "group of the release's CPC scheme); not counted",
        "patents_unattributed": "of 4 GenAI patents counted (1 withdrawn ones left out): 1 have no inventor with a "
                                "located country (1 of 8 inventor rows unlocated: their shares are in no country), "
                                "1 no disambiguated assignee, 0 no filing year"}


def test_an_unchanged_file_release_downloads_nothing_and_writes_nothing(dirs, api):
    refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY1)
    before, served = tree(dirs["sources"]), len(api.requests)
    result = refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY2)
    assert not result.changed and "upstream unchanged" in result.message
    assert paths(api)[served:] == [PRODUCT_PATH]
    assert tree(dirs["sources"]) == before


def test_a_new_release_of_one_file_downloads_only_that_file(dirs, api):
    refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY1)
    served = len(api.requests)
    api.route(PRODUCT_PATH, body=product(g_cpc_title="2026-01-13 08:00:00"))      # derived: a newer title file
    title = (FIXTURES / "g_cpc_title.tsv").read_bytes().replace(b'"Generative networks"', b'"Generative models"')
    api.route(FILE_PATH + "g_cpc_title.tsv.zip", body=_zip("g_cpc_title.tsv", title))
    result = refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY2)
    assert result.changed and result.changed_files == ("g_cpc_title.tsv.zip", "product.json")
    assert paths(api)[served:] == [PRODUCT_PATH, FILE_PATH + "g_cpc_title.tsv.zip"]
    ex = extract.extract(snapshots.load("patentsview", dirs["sources"]))
    assert [f["detail"] for f in ex.rows["quality_flags"] if f["check_name"] == "definition_title_mismatch"] == [
        "G06N3/0475: g_cpc_title prints 'Generative models'; definition genai-cpc-1 (CPC 2023.01) says "
        "'Generative networks'; the code is still counted: review extractors/patentsview/definition.yaml"]
    assert _rows(ex)["patentsview:genai-cpc-1:total:grant_year:whole:ALL:2023"]["data_release"] == date(2026, 1, 13)


def _zip(member: str, body: bytes) -> bytes:
    path = Path(cache.staging_dir()) / "derived.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, body)
    data = path.read_bytes()
    path.unlink()
    return data


def test_without_an_api_key_the_fetch_says_so_and_requests_nothing(dirs, api, monkeypatch):
    monkeypatch.delenv("ATLAS_PATENTSVIEW_API_KEY")
    before = tree(dirs["sources"])
    with pytest.raises(NotConfigured, match="no API key configured: set ATLAS_PATENTSVIEW_API_KEY"):
        refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY1)
    assert api.requests == [] and tree(dirs["sources"]) == before
    status = yaml.safe_load((dirs["sources"] / "fetch_status.yaml").read_text(encoding="utf-8"))["patentsview"]
    assert "no API key configured" in status["error"]


def test_the_quota_reached_refuses_the_download_and_writes_nothing(dirs, api):
    refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY1)
    key_id = config.key_fingerprint(KEY)
    now = datetime.now(timezone.utc)                 # the ledger counts back from the time of the fetch
    for i in range(19):          # with the first fetch's download: 20 in the last 365 days
        ledger.enter(key_id, "g_cpc_current.tsv.zip", now - timedelta(days=300 - i), dirs["sources"])
    api.route(PRODUCT_PATH, body=product(g_cpc_current="2026-01-13 08:00:00"))    # derived: a newer release
    before, served = tree(dirs["sources"]), len(api.requests)
    with pytest.raises(QuotaExceeded, match=r"g_cpc_current.tsv.zip: 20 downloads with this API key in the last "
                                            r"365 days \(the quota is 20"):
        refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY2)
    assert paths(api)[served:] == [PRODUCT_PATH]
    assert tree(dirs["sources"]) == before


def test_a_download_cut_short_is_not_retried_and_the_last_good_version_stays(dirs, api):
    refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY1)
    api.route(PRODUCT_PATH, body=product(g_patent="2026-01-13 08:00:00"))         # derived: a newer release
    body = (FIXTURES / "g_patent.tsv.zip").read_bytes()
    api.route(FILE_PATH + "g_patent.tsv.zip", [Reply(body=body, truncate_to=len(body) // 2), Reply(body=body)])
    before, cached = tree(dirs["sources"]), sorted((dirs["cache"] / "sha256").iterdir())
    with pytest.raises(FetchError, match="g_patent.tsv.zip") as err:
        refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY2)
    assert not isinstance(err.value, QuotaExceeded) and "not retried" in str(err.value)
    assert paths(api).count(FILE_PATH + "g_patent.tsv.zip") == 2      # the first fetch's and this one: no retry
    assert tree(dirs["sources"]) == before | {"downloads.yaml": tree(dirs["sources"])["downloads.yaml"]}
    assert sorted((dirs["cache"] / "sha256").iterdir()) == cached
    assert list(cache.staging_dir().iterdir()) == []
    assert snapshots.load("patentsview", dirs["sources"]).version == "2026-12-06"
    now = datetime.now(timezone.utc)
    assert len(ledger.recent(config.key_fingerprint(KEY), "g_patent.tsv.zip", now, 365, dirs["sources"])) == 2


def test_a_cached_file_that_went_missing_is_named(dirs, api):
    refresh(SOURCE, folder=dirs["sources"], fetcher=fetcher(), now=DAY1)
    snap = snapshots.load("patentsview", dirs["sources"])
    snap.file("g_location_disambiguated.tsv.zip").unlink()
    with pytest.raises(snapshots.SnapshotError, match=r"patentsview/2026-12-06/g_location_disambiguated.tsv.zip "
                                                      r"\(in the cache: .*\) is missing"):
        snapshots.load("patentsview", dirs["sources"])


def test_the_definition_is_data_and_its_widening_is_off():
    d = config.definition()
    assert (d.version, d.scheme, [c.code for c in d.counted]) == (
        "genai-cpc-1", "CPC 2023.01", ["G06N3/045", "G06N3/0455", "G06N3/0475"])
    assert not d.widened and [c.code for c in d.widening] == ["G06N3/094"]
    widened = dataclasses.replace(copy.copy(d), widened=True)
    assert widened.words() == "CPC G06N3/045, G06N3/0455, G06N3/0475 or G06N3/094 (CPC 2023.01; definition " \
                              "genai-cpc-1)"


def test_atlas_fetch_skips_the_source_without_a_key(dirs, api, monkeypatch):
    from typer.testing import CliRunner

    from warehouse.cli import app

    monkeypatch.delenv("ATLAS_PATENTSVIEW_API_KEY")
    result = CliRunner().invoke(app, ["fetch", "patentsview"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and api.requests == []
    assert result.output.startswith("patentsview: skipped: source patentsview: http://127.0.0.1:")
    assert "no API key configured" in result.output
