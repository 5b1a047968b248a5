"""Release page: one self-contained static ``index.html`` in a release folder.

The page shows what a reader needs first: the release's metadata, its sources with titles, publishers, coverage
and links, the files to download (CSV package, Parquet, DuckDB, citation, licence, checksums, codebook), the licence
and how to cite, and a searchable, sortable list of every policy (:mod:`warehouse.release.page_data`); then row
counts, the validation summary, the changes since the previous release (its ``CHANGELOG.md``, rendered with
markdown-it-py), four charts and every file of the release.

It needs nothing else to render and loads nothing: no external scripts, style sheets, fonts or images. Its one
script (``templates/page.js``: search and sort of the policy list, vanilla JavaScript, inline) is allowed by its
sha256 in the Content-Security-Policy, which forbids everything else; without scripts the list is shown whole. Links
to the web (sources' and policies' URLs, the repository, the licence) are plain links, followed only when clicked.
The HTML comes from the Jinja2 template ``templates/page.html`` with autoescaping, so every piece of text taken
from data is escaped; the charts are inline SVG drawn by matplotlib (:mod:`warehouse.charts`,
:mod:`warehouse.page_charts`).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from warehouse.release.charts import CHART_PATENTS, CHART_POLICY_TYPES, CHART_POLICY_YEARS, CHART_TIMELINE, number
from warehouse.release.package import as_of_sentence
from warehouse.release.page_charts import read_release, page_charts
from warehouse.release.page_data import coverage_columns, downloads, how_to_cite, policy_rows, source_rows
from warehouse.release.patents import page_section as patent_section
from warehouse.release.versions import list_versions

__all__ = ["CHART_PATENTS", "CHART_POLICY_TYPES", "CHART_POLICY_YEARS", "CHART_TIMELINE", "PAGE_FILE",
           "markdown_to_html", "render_page", "write_page"]

PAGE_FILE = "index.html"

_FILE_NOTES = {
    "atlas.duckdb": "DuckDB database: every table (with column comments) and one view per report table",
    "manifest.json": "version, schema version, created time, code revision, input sha256s, row counts, file sha256s",
    "validation.json": "every expectation's result, severity and example rows",
    "codebook.md": "every table and column (from schemas/tables.yaml)",
    "CHANGELOG.md": "changes since the previous release (summary)",
    "changes.parquet": "record-level changes since the previous release",
    "datapackage.json": "Frictionless Data Package: the CSV files in data/, their schemas, licences and sources",
    "CITATION.cff": "how to cite this release (Citation File Format 1.2.0), with the sources as references",
    "CITATION.bib": "how to cite this release (BibTeX)",
    "LICENSE.md": "the compilation under CC BY 4.0; each source's own terms",
    "SHA256SUMS": "sha256 of every file (sha256sum -c SHA256SUMS)",
}
_COLUMN_KEYS = ("column", "column_A", "column_B", "column_list", "column_set")

_ENV = Environment(loader=PackageLoader("warehouse.release", "templates"), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_ENV.filters["number"] = number
# The page's one script, inline, and its CSP hash (the exact text between <script> and </script>).
SCRIPT = resources.files("warehouse.release").joinpath("templates/page.js").read_text(encoding="utf-8")
SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")


def _page_markup(state) -> None:
    """markdown-it core rule: headings two levels down (the page has h1 and h2), right-aligned table cells
    get the page's ``num`` class instead of an inline style."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
        elif token.type in ("th_open", "td_open") and token.attrGet("style") == "text-align:right":
            token.attrs.pop("style")
            token.attrSet("class", "num")


# CommonMark plus tables. Raw HTML is off (it is shown as text); images and links are off so that the page
# loads nothing and links only to the release's own files.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table").disable(["image", "link", "autolink"])
_MARKDOWN.core.ruler.push("page_markup", _page_markup)


def markdown_to_html(text: str) -> str:
    """HTML for Markdown ``text`` (CommonMark with pipe tables), safe to put in the page.

    Raw HTML in ``text`` is escaped, never passed through; images and links are shown as text; headings are
    two levels lower (``#`` gives ``<h3>``); right-aligned table columns get ``class="num"``.
    """
    return _MARKDOWN.render(text)


def _other_releases(release_dir: Path) -> list[str]:
    root = release_dir.parent
    if not root.is_dir():
        return []
    return [v for v in list_versions(root) if (root / v).resolve() != release_dir.resolve()]


def _changes_note(release_dir: Path, manifest: dict, changes_markdown: str | None) -> str:
    if changes_markdown is not None:
        return "No changes since the previous release."
    if [v for v in _other_releases(release_dir) if v != manifest.get("version")]:
        return "No changes recorded for this release."
    return "First release: there is no previous release to compare with."


def _expectation_column(kwargs: dict) -> str:
    for key in ("column", "column_A", "column_list", "column_set"):
        if key in kwargs:
            value = kwargs[key]
            if key == "column_A" and "column_B" in kwargs:
                return f"{value}, {kwargs['column_B']}"
            return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    return ""


def _failed_row(table: str, x: dict) -> dict:
    kwargs = dict(x.get("kwargs") or {})
    args = {k: v for k, v in kwargs.items() if k != "batch_id" and k not in _COLUMN_KEYS}
    examples = x.get("examples") or []
    shown = "; ".join(json.dumps(ex, ensure_ascii=False, default=str) for ex in examples[:3])
    if len(examples) > 3:
        shown += f" … ({len(examples)} examples)"
    return {"severity": x.get("severity"), "table": table, "column": _expectation_column(kwargs),
            "expectation": x.get("expectation"), "unexpected": x.get("unexpected_count"), "examples": shown,
            "arguments": json.dumps(args, ensure_ascii=False, default=str) if args else ""}


def _validation(validation: dict) -> dict:
    critical = validation.get("critical_failures", 0) or 0
    warnings = validation.get("warnings", 0) or 0
    if not validation.get("success") or critical:
        badge = ("fail", "failed")
    elif warnings:
        badge = ("warn", "passed with warnings")
    else:
        badge = ("ok", "passed")
    failed, per_table = [], []
    for name, result in (validation.get("tables") or {}).items():
        exps = result.get("expectations") or []
        bad = [x for x in exps if not x.get("success")]
        per_table.append((name, result.get("rows"), len(exps), len(bad)))
        failed += [(name, x) for x in bad]
    failed.sort(key=lambda f: (f[1].get("severity") != "critical", f[0]))
    return {"badge": badge, "evaluated": validation.get("evaluated", 0), "critical": critical,
            "warnings": warnings, "failed": [_failed_row(n, x) for n, x in failed], "per_table": per_table}


def _row_counts(manifest: dict) -> list[tuple]:
    try:
        import schemas

        descriptions = {n: t.description for n, t in schemas.tables().items()}
    except Exception:  # descriptions are a nicety; never fail the page on them
        descriptions = {}
    return [(name, count, descriptions.get(name, "")) for name, count in (manifest.get("row_counts") or {}).items()]


def _files(release_dir: Path, manifest: dict) -> list[dict]:
    """Every file of the release folder and its subfolders (``data/<table>.csv``), except the page itself."""
    known = manifest.get("files") or {}
    out = []
    for p in sorted(release_dir.rglob("*"), key=lambda p: p.relative_to(release_dir).as_posix()):
        rel = p.relative_to(release_dir).as_posix()
        if not p.is_file() or p.name.startswith(".") or rel == PAGE_FILE:
            continue
        note = _FILE_NOTES.get(rel) or (f"table {p.stem} (Parquet)" if p.suffix == ".parquet" else
                                        f"table {p.stem} (CSV of the data package)" if rel.startswith("data/")
                                        else "")
        out.append({"name": rel, "size": p.stat().st_size, "sha256": (known.get(rel) or {}).get("sha256", ""),
                    "note": note})
    return out


def render_page(release_dir: Path, manifest: dict, validation: dict, changes_markdown: str | None = None) -> str:
    """The release page as one HTML string (arguments as for :func:`write_page`).

    Raises what reading the release's Parquet files with DuckDB raises (a missing file is not an error: its
    chart says "No data in this release.") and :class:`jinja2.TemplateError` if the template is broken.
    """
    release_dir = Path(release_dir)
    version = manifest.get("version") or release_dir.name
    revision = str(manifest.get("code_revision", "unknown"))
    data = read_release(release_dir)
    # Markup: markdown-it escapes raw HTML in the Markdown, matplotlib escapes the text in its SVG.
    changes_html = (Markup(markdown_to_html(changes_markdown))
                    if changes_markdown and changes_markdown.strip() else None)
    charts = [{"title": c.title, "svg": Markup(c.svg), "desc": c.desc, "caption": c.caption}
              for c in page_charts(data)]
    sources = source_rows(release_dir, manifest)
    return _ENV.get_template("page.html").render(
        source_rows=sources, coverage_columns=coverage_columns(sources), downloads=downloads(release_dir),
        cite=how_to_cite(release_dir, manifest), policies=policy_rows(release_dir),
        script=Markup(SCRIPT), script_hash=SCRIPT_HASH,
        title=f"GenAI Policy Atlas — release {version}",
        meta=[("Version", version), ("Created", manifest.get("created", "")), ("Code revision", revision),
              ("Schema version", manifest.get("schema_version", "")),
              ("Data as of", as_of_sentence(manifest).strip().removeprefix("Data as of ") or "not recorded")],
        dirty=revision.endswith("+dirty"), inputs=manifest.get("inputs") or {},
        row_counts=_row_counts(manifest), validation=_validation(validation),
        changes_html=changes_html, changes_note=_changes_note(release_dir, manifest, changes_markdown),
        charts=charts, flags=data["flags"], files=_files(release_dir, manifest),
        patents=patent_section(release_dir))


def write_page(release_dir: Path, manifest: dict, validation: dict, changes_markdown: str | None = None) -> Path:
    """Write the release's self-contained ``index.html`` into ``release_dir`` and return its path.

    ``manifest`` and ``validation`` are the release's ``manifest.json`` and ``validation.json`` contents;
    ``changes_markdown`` is the change summary against the previous release (Markdown; None when none was
    computed: the page then says "first release" when ``release_dir`` has no sibling release, else "no changes
    recorded"). Charts are read from the ``<table>.parquet`` files in ``release_dir``; the file list shows what
    is in the folder when called, so call it after ``manifest.json`` is written and before the folder is
    renamed into place. The file is written under a temporary name and renamed, so it is never half-written.
    Raises :class:`OSError` if the file cannot be written, and what :func:`render_page` raises.
    """
    release_dir = Path(release_dir)
    text = render_page(release_dir, manifest, validation, changes_markdown)
    target = release_dir / PAGE_FILE
    tmp = release_dir / f".{PAGE_FILE}.{os.getpid()}.tmp"
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
