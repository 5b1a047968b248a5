"""The ``patentsview`` source end to end: its monthly fetch DAG (``dag.test()``) skipped without an API key and
successful against a stand-in on 127.0.0.1 serving the CONSTRUCTED fixtures (tests/fixtures/live/patentsview/,
PROVENANCE.md), then a release built from it (tests/helpers.build_release) that holds the recounted rows beside the
27 reported ones, the ``patent_reconciliation`` view, the definition in the codebook and the page's section.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from helpers import build_release
from live_server import StandIn
from test_live_refresh import _dag, _fetch
from test_patentsview import FILE_PATH, FILES, FIXTURES, KEY, PRODUCT_PATH, product

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(tmp_path, monkeypatch, atlas_dirs):
    folder = tmp_path / "sources"
    shutil.copytree(PROJECT_ROOT / "sources", folder)
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ATLAS_PATENTSVIEW_API_KEY", raising=False)
    with StandIn() as api:
        api.route(PRODUCT_PATH, body=product(), headers={"Content-Type": "application/json"})
        for name in FILES:
            api.route(FILE_PATH + name, body=(FIXTURES / name).read_bytes())
        monkeypatch.setenv("ATLAS_PATENTSVIEW_URL", api.url)
        yield {"sources": folder, "api": api, "releases": atlas_dirs["releases"]}


@pytest.mark.release
def test_monthly_dag_skips_without_a_key_then_a_release_holds_the_recount_beside_the_reported_figures(
        airflow_db, world, monkeypatch):
    assert _dag("fetch_sources.py", "fetch_patentsview").schedule == "@monthly"
    assert _fetch("patentsview") == "skipped"
    assert world["api"].requests == [] and not (world["sources"] / "patentsview").exists()

    monkeypatch.setenv("ATLAS_PATENTSVIEW_API_KEY", KEY)
    assert _fetch("patentsview") == "success"
    release = build_release("patents-e2e")
    con = duckdb.connect(str(release / "atlas.duckdb"), read_only=True)
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    assert q("SELECT source_id, count(*), count(patent_families), count(patents) FROM patent_counts "
             "GROUP BY ALL ORDER BY 1") == [("patentsview", 30, 0, 30), ("tier-2025-genai-global-economy", 27, 27, 0)]
    assert q("SELECT jurisdiction, patent_families FROM patent_counts WHERE applicant IS NULL AND "
             "patent_families IS NOT NULL ORDER BY rank LIMIT 2") == [("CN", 38210), ("US", 6276)]
    recon = {r[0]: r for r in q("SELECT jurisdiction, period_start, period_end, reported_families, "
                                "recount_us_grants_whole, recount_us_grants_fractional, definition_version, "
                                "CAST(data_release AS VARCHAR) FROM patent_reconciliation")}
    assert recon["US"] == ("US", 2014, 2023, 6276, 2.0, 1.166667, "genai-cpc-1", "2025-10-14")
    assert recon["CN"] == ("CN", 2014, 2023, 38210, 1.0, 1.0, "genai-cpc-1", "2025-10-14")
    assert q("SELECT reported_basis, recount_basis FROM patent_reconciliation WHERE jurisdiction = 'DE'") == [(
        "patent families worldwide, by inventor location, 2014-2023 (WIPO, as printed in source "
        "tier-2025-genai-global-economy)",
        "granted US patents (USPTO PatentsView) with a CPC code of definition genai-cpc-1, by inventor country, "
        "filing years 2014-2023; whole counting (one per patent per inventor country) and fractional (inventor "
        "shares)")]
    assert q("SELECT count(*) FROM country_profile WHERE patent_families IS NOT NULL") == q(
        "SELECT count(DISTINCT jurisdiction) FROM patent_counts WHERE applicant IS NULL AND patent_families > 0")
    con.close()
    codebook = (release / "codebook.md").read_text(encoding="utf-8")
    assert "## GenAI patent definition (recount)" in codebook
    assert "| G06N3/0475 | Generative networks | yes |" in codebook
    assert "## View `patent_reconciliation`" in codebook
    page = (release / "index.html").read_text(encoding="utf-8")
    assert 'id="patent-reconciliation"' in page and "CPC G06N3/045, G06N3/0455 or G06N3/0475" in page
