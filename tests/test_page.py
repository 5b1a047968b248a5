"""The release page: built from a real release, self-contained, escaped, and rendered by headless Chromium."""
from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import zlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from devtools import Browser
from helpers import build_release, release_env
from warehouse.release.charts import hbar_chart
from warehouse.release.page import (CHART_PATENTS, CHART_POLICY_TYPES, CHART_POLICY_YEARS, CHART_TIMELINE, PAGE_FILE,
                                    render_page, write_page)
from warehouse.release.package_texts import project_url
from warehouse.release.page_charts import read_release, page_charts

pytestmark = pytest.mark.release

CHARTS = (CHART_PATENTS, CHART_POLICY_TYPES, CHART_POLICY_YEARS, CHART_TIMELINE)
CHROMIUM_TIMEOUT = 120
CHANGES_MD = """# Release 2026.01.02: changes

| table | added | removed | changed |
|---|---:|---:|---:|
| policies | 1 | 1 | 1 |

## 政策 (policies)

- added: **生成式人工智慧服務管理暫行辦法** (`CN`)
- removed: <script>alert("x")</script>
- `pol-0123456789ab`
  - title: `舊標題` -> `` a`b ``
"""


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """One real release (all steps but Airflow) in its own release root and work folder."""
    with release_env(tmp_path_factory.mktemp("page")):
        return build_release("page-test")


def _load(release: Path) -> tuple[dict, dict]:
    return (json.loads((release / "manifest.json").read_text(encoding="utf-8")),
            json.loads((release / "validation.json").read_text(encoding="utf-8")))


def _copy(release: Path, root: Path) -> Path:
    """A copy of the release in a fresh release root (for tests that change files next to it)."""
    target = root / release.name
    shutil.copytree(release, target)
    return target


def _svg(text: str, svg_id: str) -> str:
    match = re.search(rf'<svg[^>]*\bid="{re.escape(svg_id)}".*?</svg>', text, flags=re.S)
    assert match, f"no <svg id={svg_id!r}> in the page"
    return match.group(0)


def _values(svg: str, kind: str) -> list[float]:
    """The drawn values of a chart's bars (``kind`` "bar") or stacked segments ("segment"), in drawing order,
    read from their gids (``<chart id>:<kind>:<key>...:<value>``, see warehouse.charts)."""
    return [float(v) for v in re.findall(rf'<g id="[^":]+:{kind}:[^"]*:([^":]+)"', svg)]


# --- content ----------------------------------------------------------------------------------------

def test_page_shows_release_counts_validation_charts_and_files(release):
    manifest, validation = _load(release)
    path = write_page(release, manifest, validation)
    assert path == release / PAGE_FILE and path.is_file()
    text = path.read_text(encoding="utf-8")

    assert f"<title>GenAI Policy Atlas — release {manifest['version']}</title>" in text
    for key in ("version", "created", "code_revision", "schema_version"):
        assert f">{manifest[key]}<" in text, key
    for name, count in manifest["row_counts"].items():
        assert f'data-table="{name}">{count:,}<' in text, name
    assert "First release" in text

    assert re.search(rf'id="validation-evaluated">[^<]*<b>{validation["evaluated"]:,}</b>', text)
    assert re.search(rf'id="validation-critical">[^<]*<b>{validation["critical_failures"]}</b>', text)
    assert re.search(rf'id="validation-warnings">[^<]*<b>{validation["warnings"]}</b>', text)
    failed = [(t, x) for t, r in validation["tables"].items() for x in r["expectations"]
              if not x["success"] and x["severity"] == "warning"]
    assert failed, "the bundled sources are expected to trip at least one warning"
    table_html = re.search(r'<table id="failed-expectations">.*?</table>', text, flags=re.S).group(0)
    for table, x in failed:
        assert f"<td>{table}</td><td>{x['kwargs']['column']}</td>" in table_html
        assert x["expectation"] in table_html

    con = duckdb.connect()
    patents = con.execute("SELECT patent_families FROM read_parquet(?) WHERE applicant IS NULL "
                          "ORDER BY patent_families DESC", [str(release / "patent_counts.parquet")]).fetchall()
    policies = str(release / "policies.parquet")
    dated = con.execute("SELECT count(*) FROM read_parquet(?) WHERE issued_on IS NOT NULL", [policies]).fetchone()[0]
    flags = con.execute("SELECT check_name, count(*) FROM read_parquet(?) GROUP BY ALL",
                        [str(release / "quality_flags.parquet")]).fetchall()
    con.close()
    assert _values(_svg(text, CHART_PATENTS), "bar") == [float(n) for (n,) in patents]
    assert sum(_values(_svg(text, CHART_POLICY_TYPES), "segment")) == manifest["row_counts"]["policies"]
    assert sum(_values(_svg(text, CHART_POLICY_YEARS), "bar")) == dated > 0

    flags_html = re.search(r'<table id="quality-flags">.*?</table>', text, flags=re.S).group(0)
    for check, n in flags:
        assert re.search(rf">{re.escape(check)}</td>.*?<td class=\"num\">{n}</td></tr>", flags_html), check

    for p in release.iterdir():
        if p.is_file() and p.name != PAGE_FILE:
            assert f'href="{p.name}"' in text, p.name


def _web_links(release: Path) -> set[str]:
    """The web addresses the page may link to: sources' and policies' url, the licence, the repository."""
    con = duckdb.connect()
    urls = {u for (u,) in con.execute("SELECT url FROM read_parquet(?) UNION SELECT url FROM read_parquet(?)",
                                      [str(release / "sources.parquet"), str(release / "policies.parquet")]).fetchall()
            if u}
    con.close()
    return urls | {"https://creativecommons.org/licenses/by/4.0/", project_url()}


def test_page_is_self_contained(release, tmp_path):
    # moved by issue 14 (the page a reader needs): one inline script (search and sort of the policy list), allowed
    # by its hash, and plain links to the sources, policies, licence and repository; still nothing is loaded
    manifest, validation = _load(release)
    text = write_page(_copy(release, tmp_path / "releases"), manifest, validation).read_text(encoding="utf-8")
    assert "<link" not in text and "@import" not in text and "url(" not in text
    assert "<img" not in text and "<iframe" not in text
    assert re.findall(r"\bsrc\s*=", text) == []
    scripts = re.findall(r"<script>(.*?)</script>", text, flags=re.S)
    assert len(scripts) == 1 and text.count("<script") == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode("ascii")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text).group(1)
    assert csp == f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'"
    web = _web_links(release)
    for target in map(html.unescape, re.findall(r'href="([^"]*)"', text)):
        if ":" in target:
            assert target in web, target
        else:
            assert not target.startswith("/") and ".." not in target, target
    printed = set(re.findall(r"https?://[^\s\"'<>{}]+", html.unescape(text)))
    assert printed - web == {"http://www.w3.org/2000/svg"}


def test_changes_markdown_is_rendered_and_escaped(release, tmp_path):
    manifest, validation = _load(release)
    text = write_page(_copy(release, tmp_path / "releases"), manifest, validation, CHANGES_MD).read_text("utf-8")
    section = text.split('id="changes"', 1)[1].split('id="charts"', 1)[0]
    section = re.sub(r">\n+<", "><", section)          # markdown-it writes block tags on lines of their own
    assert "<strong>生成式人工智慧服務管理暫行辦法</strong>" in section
    assert "<code>CN</code>" in section and '<th class="num">added</th>' in section
    assert "<td>policies</td>" in section
    nested = "<li><code>pol-0123456789ab</code><ul><li>title: <code>舊標題</code> -&gt; <code>a`b</code></li>"
    assert nested in section
    assert "&lt;script&gt;" in section and text.count("<script") == 1    # the page's own script only
    assert "First release" not in section


def test_changes_none_or_empty_with_a_previous_release(release, tmp_path):
    manifest, validation = _load(release)
    root = tmp_path / "releases"
    folder = _copy(release, root)
    (root / "2000.01.01").mkdir()
    assert "No changes recorded" in write_page(folder, manifest, validation, None).read_text("utf-8")
    assert "No changes since the previous release" in write_page(folder, manifest, validation, "").read_text("utf-8")


def test_text_from_the_reports_is_escaped(release, tmp_path):
    manifest, validation = _load(release)
    manifest = copy.deepcopy(manifest)
    validation = copy.deepcopy(validation)
    manifest["code_revision"] = '<img src=x onerror="alert(1)">'
    validation["tables"]["<b>bad</b>"] = {"rows": 1, "success": True, "expectations": [{
        "expectation": "expect_<i>x</i>", "kwargs": {"column": "<svg onload=alert(2)>", "value_set": ["<u>"]},
        "severity": "warning", "success": False, "unexpected_count": 1, "examples": [{"v": "</td><script>"}]}]}
    text = write_page(_copy(release, tmp_path / "releases"), manifest, validation).read_text("utf-8")
    for raw in ("<img", "<b>bad", "<i>x", "<svg onload", "<u>", "</td><script>"):
        assert raw not in text, raw
    assert text.count("<script") == 1                  # the page's own script only
    assert "&lt;b&gt;bad&lt;/b&gt;" in text and "&lt;svg onload=alert(2)&gt;" in text


def test_charts_are_byte_identical_across_renders(release):
    first = page_charts(read_release(release))
    second = page_charts(read_release(release))
    assert [c.id for c in first] == list(CHARTS)
    for a, b in zip(first, second, strict=True):
        assert a.svg.encode("utf-8") == b.svg.encode("utf-8"), a.id
        kind = {CHART_POLICY_TYPES: "segment", CHART_TIMELINE: "point"}.get(a.id, "bar")
        assert _values(a.svg, kind) or (a.id == CHART_TIMELINE and "No data in this release." in a.svg), a.id
    manifest, validation = _load(release)
    assert render_page(release, manifest, validation, CHANGES_MD) == render_page(release, manifest, validation,
                                                                                 CHANGES_MD)


def test_chart_text_is_escaped_and_kept_as_text():
    svg = hbar_chart(CHART_PATENTS, [("X<", "<script>alert(1)</script> 生成式", 3), ("Y", "$x^2$ & co", 2.5)])
    assert "<script" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; 生成式</text>" in svg
    assert "$x^2$ &amp; co</text>" in svg                    # no mathtext, no glyph paths
    assert _values(svg, "bar") == [3, 2.5]
    assert re.findall(r'<g id="[^"]+:bar:([^"]+):[^":]+"', svg) == ["X%3C", "Y"]


def test_missing_table_file_gives_an_empty_chart_not_an_error(release, tmp_path):
    manifest, validation = _load(release)
    folder = _copy(release, tmp_path / "releases")
    (folder / "patent_counts.parquet").unlink()
    text = write_page(folder, manifest, validation).read_text("utf-8")
    assert "No data in this release." in _svg(text, CHART_PATENTS)
    assert 'href="patent_counts.parquet"' in text          # row counts still link the table named in the manifest
    # moved by issue 14: the file list now also shows data/patent_counts.csv (still there); the Parquet file is gone
    assert re.search(r'<table id="files">(?:(?!</table>).)*patent_counts\.parquet', text, flags=re.S) is None
    assert re.search(r'<table id="files">(?:(?!</table>).)*data/patent_counts\.csv', text, flags=re.S)


# --- rendering ------------------------------------------------------------------------------------

def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
    if not found:
        pytest.fail("Chromium is not installed: run `apt-get install chromium` (Debian package; CI installs it "
                    "in .ci/run). tests/test_page.py renders the release page with headless Chromium.")
    return found


def _require_cjk_font() -> None:
    """Fail unless fontconfig knows a Traditional Chinese font (else CJK text renders as empty boxes)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:            # no fontconfig tools: cannot tell, Chromium's own check is the screenshot
        return
    found = subprocess.run([fc_list, ":lang=zh-tw", "family"], capture_output=True, text=True, timeout=30).stdout
    if not found.strip():
        pytest.fail("No Traditional Chinese font installed, so CJK text renders as boxes: run "
                    "`apt-get install fonts-noto-cjk` (Debian package; CI installs it in .ci/run).")


def _png_stats(path: Path) -> tuple[int, int, float]:
    """Width, height and the share of image bytes that are not flat (0/255 after PNG filtering).

    A blank page filters to all-zero (or all-255) rows, so the share is 0; text and charts make it clearly
    positive. Needs no image library: the PNG chunks are read with struct and zlib.
    """
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    pos, ihdr, idat = 8, None, []
    while pos + 8 <= len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    assert ihdr and idat, "PNG without IHDR or IDAT"
    width, height, depth, colour_type = ihdr[:4]
    assert depth == 8 and colour_type in (2, 6), f"unexpected PNG format {ihdr}"
    raw = zlib.decompress(b"".join(idat))
    stride = width * (3 if colour_type == 2 else 4) + 1
    assert len(raw) == stride * height
    filter_bytes = sum(1 for row in range(height) if raw[row * stride] not in (0, 255))
    busy = len(raw) - raw.count(0) - raw.count(255) - filter_bytes
    return width, height, busy / (len(raw) - height)


def test_page_renders_in_headless_chromium(release, tmp_path):
    chromium = _chromium()
    _require_cjk_font()
    manifest, validation = _load(release)
    page = write_page(_copy(release, tmp_path / "releases"), manifest, validation, CHANGES_MD)
    shot = tmp_path / "page.png"
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'chromium-profile'}", f"--screenshot={shot}", "--window-size=1280,2000",
           page.as_uri()]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "HOME": str(tmp_path)})
    try:
        out, err = proc.communicate(timeout=CHROMIUM_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"chromium did not finish within {CHROMIUM_TIMEOUT}s:\n{err[-2000:]}")
    assert shot.is_file(), f"chromium wrote no screenshot (exit {proc.returncode}):\n{out[-1000:]}\n{err[-2000:]}"
    width, height, busy = _png_stats(shot)
    assert (width, height) == (1280, 2000)
    assert shot.stat().st_size > 50_000, "screenshot is suspiciously small (blank page?)"
    assert busy > 0.005, f"screenshot looks blank ({busy:.4%} of image bytes are not flat)"
    if os.environ.get("ATLAS_KEEP_SCREENSHOTS"):
        shutil.copy(shot, Path(os.environ["ATLAS_KEEP_SCREENSHOTS"]) / "page.png")


# --- what a reader needs: sources and coverage, downloads, licence and citation, the policy list (issue 14) ------

def _section(text: str, start: str, end: str) -> str:
    return text.split(f'id="{start}"', 1)[1].split(f'id="{end}"', 1)[0]


def test_page_names_sources_downloads_licence_and_citation(release, tmp_path):
    from markupsafe import escape

    manifest, validation = _load(release)
    text = write_page(_copy(release, tmp_path / "releases"), manifest, validation).read_text(encoding="utf-8")
    sources = pq.read_table(release / "sources.parquet").to_pylist()
    section = _section(text, "sources", "downloads")
    assert len(re.findall(r'<tr id="source-', section)) == len(sources) == manifest["row_counts"]["sources"]
    for src in sources:
        row = re.search(rf'<tr id="source-{re.escape(src["source_id"])}">.*?</tr>', section, flags=re.S).group(0)
        assert str(escape(src["title"])) in row and str(escape(src["publisher"])) in row, src["source_id"]
        assert f"<code>{src['source_id']}</code>" in row
        if src["title_en"]:
            assert f'<span class="en">{escape(src["title_en"])}</span>' in row
        if src["url"]:
            assert f'<a href="{escape(src["url"])}" rel="noopener noreferrer">' in row
        assert str(escape(src["licence"])) in row
    coverage = [c for c in ("coverage_start", "coverage_end", "as_of") if c in sources[0]]
    for column in coverage:
        assert f"<th>{column.replace('_', ' ')}</th>" in section
    if not coverage:
        assert "Coverage dates are not recorded in this release" in section

    downloads = _section(text, "downloads", "cite")
    tables = list(manifest["row_counts"])
    for name in ["datapackage.json", "atlas.duckdb", "codebook.md", "CITATION.cff", "CITATION.bib", "LICENSE.md",
                 "SHA256SUMS", *(f"data/{t}.csv" for t in tables), *(f"{t}.parquet" for t in tables)]:
        assert f'href="{name}"' in downloads, name

    cite = _section(text, "cite", "policies")
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="noopener noreferrer">' in cite
    assert "(CC-BY-4.0)" in cite and 'href="LICENSE.md"' in cite
    bibtex = (release / "CITATION.bib").read_text(encoding="utf-8")
    assert f'<pre id="bibtex">{escape(bibtex)}</pre>' in cite
    key = "genai_policy_atlas_" + manifest["version"].replace(".", "_")
    assert f"@misc{{{key}," in cite and "YourReferenceHere" not in text
    year = manifest["created"][:4]
    assert (f'<blockquote id="citation">GenAI Policy Atlas contributors ({year}). GenAI Policy Atlas, release '
            f'{manifest["version"]} [data set]. {project_url()}</blockquote>') in cite


def test_coverage_columns_are_shown_when_the_sources_table_has_them(release, tmp_path):
    # the release's own sources.parquet, with coverage columns set (or overwritten) here: the page must show any of
    # coverage_start / coverage_end / as_of that the sources table has, and "not stated" for a NULL
    manifest, validation = _load(release)
    folder = _copy(release, tmp_path / "releases")
    table = pq.read_table(folder / "sources.parquet")
    ids = table.column("source_id").to_pylist()
    values = {"coverage_start": ["2024-01" if i.startswith("tier-") else None for i in ids],
              "coverage_end": ["2025-03" if i.startswith("tier-") else None for i in ids],
              "as_of": ["2025-03-12" if i.startswith("tier-") else None for i in ids]}
    for name, column in values.items():
        if name in table.column_names:
            table = table.drop_columns([name])
        table = table.append_column(name, pa.array(column, pa.string()))
    (folder / "sources.parquet").chmod(0o644)
    pq.write_table(table, folder / "sources.parquet")
    text = write_page(folder, manifest, validation).read_text(encoding="utf-8")
    section = _section(text, "sources", "downloads")
    assert "<th>coverage start</th><th>coverage end</th><th>as of</th>" in section
    row = re.search(r'<tr id="source-tier-2025-genai-global-economy">.*?</tr>', section, flags=re.S).group(0)
    assert ('<td class="mono nowrap" data-column="coverage_start">2024-01</td><td class="mono nowrap" '
            'data-column="coverage_end">2025-03</td><td class="mono nowrap" data-column="as_of">2025-03-12</td>') in row
    other = re.search(r'<tr id="source-agora">.*?</tr>', section, flags=re.S).group(0)
    assert other.count(">not stated</td>") == 3
    assert "Coverage dates are not recorded" not in section


def test_page_states_the_release_as_of_date_and_each_source_coverage(release):
    # the manifest's as_of (the last day any source speaks for) heads the page; the sources table of the built
    # release carries coverage columns, and the page shows each source's own values
    manifest, validation = _load(release)
    text = write_page(release, manifest, validation).read_text(encoding="utf-8")
    assert manifest["as_of"]["latest"]
    assert re.search(r"<th[^>]*>Data as of</th>\s*<td[^>]*>" + re.escape(manifest["as_of"]["latest"]) + " ", text)
    sources = {r["source_id"]: r for r in pq.read_table(release / "sources.parquet").to_pylist()}
    section = _section(text, "sources", "downloads")
    row = re.search(r'<tr id="source-tier-2025-genai-global-economy">.*?</tr>', section, flags=re.S).group(0)
    as_of = sources["tier-2025-genai-global-economy"]["as_of"]
    assert f'data-column="as_of">{as_of.isoformat()}</td>' in row


def _policies(release: Path) -> list[tuple]:
    con = duckdb.connect()
    rows = con.execute("SELECT jurisdiction, instrument_type, issued_on, status, title, title_en FROM read_parquet(?)",
                       [str(release / "policies.parquet")]).fetchall()
    con.close()
    return rows


def test_policy_list_shows_every_policy(release, tmp_path):
    from markupsafe import escape

    manifest, validation = _load(release)
    text = write_page(_copy(release, tmp_path / "releases"), manifest, validation).read_text(encoding="utf-8")
    section = _section(text, "policies", "tables")
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    policies = _policies(release)
    assert len(rows) == len(policies) == manifest["row_counts"]["policies"] > 0
    assert f"{len(policies)} policies</span>" in section
    assert ("<th><button type=\"button\">country</button></th><th><button type=\"button\">type</button></th>"
            "<th><button type=\"button\">date</button></th><th><button type=\"button\">status</button></th>"
            "<th><button type=\"button\">title</button></th><th><button type=\"button\">English title</button></th>"
            ) in section
    for code, kind, issued, status, title, title_en in policies:
        date = issued.isoformat() if issued else ""
        assert any(f'<td data-sort="{code}">' in r and f"<td>{kind}</td>" in r and f'data-sort="{date}"' in r
                   and f"<td>{status or ''}</td>" in r and str(escape(title)) in r
                   and (str(escape(title_en)) in r if title_en else "none printed" in r) for r in rows), title
    untitled = sum(1 for p in policies if not p[5])
    assert body.count('<span class="note">none printed</span>') == untitled


def test_policy_list_searches_and_sorts_in_headless_chromium(release, tmp_path):
    """Typing into the search box filters the rows, clicking the date header sorts them (again: the other way),
    in headless Chromium driven over the DevTools protocol; a screenshot of the filtered, sorted list is checked."""
    chromium = _chromium()
    _require_cjk_font()
    manifest, validation = _load(release)
    page = write_page(_copy(release, tmp_path / "releases"), manifest, validation)
    korea = sorted((p for p in _policies(release) if p[0] == "KR"), key=lambda p: p[2] is None)
    dated = sorted(p[2].isoformat() for p in korea if p[2])
    assert len(dated) >= 2
    visible = ("Array.from(document.querySelectorAll('#policy-table tbody tr')).filter(r => !r.hidden)"
               ".map(r => [r.cells[0].textContent, r.cells[2].textContent])")
    with Browser(chromium, page.as_uri(), tmp_path / "chromium-profile", width=1280, height=900) as browser:
        assert browser.evaluate("document.getElementById('policy-count').textContent") == \
            f"{len(_policies(release))} of {len(_policies(release))} policies shown"
        browser.type_into("#policy-search", "South Korea")
        rows = browser.evaluate(visible)
        assert len(rows) == len(korea) and {c for c, _ in rows} == {"KR South Korea"}
        assert browser.evaluate("document.getElementById('policy-count').textContent") == \
            f"{len(korea)} of {len(_policies(release))} policies shown"

        browser.click("#policy-table thead th:nth-child(3) button")
        assert [d for _, d in browser.evaluate(visible)] == dated + [""] * (len(korea) - len(dated))
        assert browser.evaluate("document.querySelector('#policy-table th:nth-child(3)').ariaSort") == "ascending"
        browser.click("#policy-table thead th:nth-child(3) button")
        assert [d for _, d in browser.evaluate(visible)] == dated[::-1] + [""] * (len(korea) - len(dated))

        browser.evaluate("document.getElementById('policies').scrollIntoView()")
        shot = browser.screenshot(tmp_path / "policies.png")
    width, height, busy = _png_stats(shot)
    assert (width, height) == (1280, 900)
    assert busy > 0.005, f"screenshot looks blank ({busy:.4%} of image bytes are not flat)"
    if os.environ.get("ATLAS_KEEP_SCREENSHOTS"):          # to look at it: the folder named there
        shutil.copy(shot, Path(os.environ["ATLAS_KEEP_SCREENSHOTS"]) / "policies.png")
