"""The release page: built from a real release, self-contained, escaped, and rendered by headless Chromium."""
from __future__ import annotations

import copy
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
import pytest

from helpers import build_release, release_env
from warehouse.release.charts import hbar_chart
from warehouse.release.page import (CHART_PATENTS, CHART_POLICY_TYPES, CHART_POLICY_YEARS, CHART_TIMELINE, PAGE_FILE,
                                    render_page, write_page)
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


def test_page_is_self_contained(release, tmp_path):
    manifest, validation = _load(release)
    text = write_page(_copy(release, tmp_path / "releases"), manifest, validation).read_text(encoding="utf-8")
    assert "<script" not in text and "<link" not in text and "@import" not in text and "url(" not in text
    assert "<img" not in text and "<iframe" not in text
    assert re.findall(r"\bsrc\s*=", text) == []
    for target in re.findall(r'href="([^"]*)"', text):
        assert ":" not in target and not target.startswith("/"), target
    assert {u for u in re.findall(r"https?://[^\s\"'<>]+", text)} == {"http://www.w3.org/2000/svg"}


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
    assert "&lt;script&gt;" in section and "<script" not in text
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
    for raw in ("<img", "<b>bad", "<i>x", "<svg onload", "<u>", "<script"):
        assert raw not in text, raw
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
    assert re.search(r'<table id="files">(?:(?!</table>).)*patent_counts', text, flags=re.S) is None


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
