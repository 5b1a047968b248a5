"""How to cite: the repository's CITATION.cff, and the CITATION.cff / CITATION.bib texts of a release (the files in
a built release are checked in tests/test_package.py)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from extractors.core import fetch
from warehouse.release import package_texts
from warehouse.release.package_texts import citation, citation_bibtex, citation_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MANIFEST = {"version": "2026.11.21.2", "created": "2026-11-21T12:00:00+00:00"}
URL = "https://git.example.org/atlas/genai-policy-atlas"


def test_repository_citation_agrees_with_the_releases(monkeypatch):
    monkeypatch.delenv("ATLAS_PROJECT_URL", raising=False)
    root = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    release = citation(MANIFEST, [])
    for key in ("cff-version", "type", "title", "authors", "license", "url", "repository-code", "keywords"):
        assert root[key] == release[key], key
    assert root["abstract"] == package_texts.DESCRIPTION
    assert root["url"] == fetch.PROJECT_URL
    preferred = root["preferred-citation"]
    assert {k: preferred[k] for k in ("type", "title", "authors", "url", "license")} == \
        {k: release["preferred-citation"][k] for k in ("type", "title", "authors", "url", "license")}
    assert "YourReferenceHere" not in (PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8")


def test_citation_names_the_configured_repository_and_the_release(monkeypatch):
    monkeypatch.setenv("ATLAS_PROJECT_URL", URL)
    cff = citation(MANIFEST, [])
    assert cff["url"] == cff["repository-code"] == URL
    assert cff["preferred-citation"] == {
        "type": "data", "title": "GenAI Policy Atlas", "authors": [{"name": "GenAI Policy Atlas contributors"}],
        "version": "2026.11.21.2", "date-released": "2026-11-21", "year": 2026, "month": 11, "url": URL,
        "repository-code": URL, "license": "CC-BY-4.0",
        "notes": "BibTeX key genai_policy_atlas_2026_11_21_2 (CITATION.bib of the release)"}
    assert "genai_policy_atlas_2026_11_21_2" in cff["message"]


def test_bibtex_entry_has_a_proper_key(monkeypatch):
    monkeypatch.setenv("ATLAS_PROJECT_URL", URL)
    assert citation_key("2026.11.21") == "genai_policy_atlas_2026_11_21"
    assert citation_bibtex(MANIFEST) == (
        "@misc{genai_policy_atlas_2026_11_21_2,\n"
        "  author       = {{GenAI Policy Atlas contributors}},\n"
        "  title        = {{GenAI Policy Atlas}},\n"
        "  version      = {2026.11.21.2},\n"
        "  year         = {2026},\n"
        "  month        = nov,\n"
        "  howpublished = {Dataset, release 2026.11.21.2},\n"
        f"  url          = {{{URL}}},\n"
        "  note         = {Licensed under CC-BY-4.0; also cite the source documents whose values you use},\n"
        "}\n")
    assert re.fullmatch(r"@misc\{[a-z0-9_]+,\n(  [a-z]+ += .*,\n)+\}\n", citation_bibtex(MANIFEST))


def test_readme_how_to_cite_shows_what_a_release_writes(monkeypatch):
    monkeypatch.delenv("ATLAS_PROJECT_URL", raising=False)
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How to cite\n", 1)[1]
    bibtex = re.search(r"```bibtex\n(.*?)```", section, flags=re.S).group(1)
    assert bibtex == citation_bibtex({"version": "2026.11.21", "created": "2026-11-21T12:00:00+00:00"})
    assert f"> {fetch.PROJECT_URL}\n" in section
