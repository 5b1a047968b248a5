"""Reading and checking a source's specs (``specs/<source_id>.yaml``, ``specs/<source_id>.prose.yaml``): every
error names the file, the line, the table (or key) and the cause (:class:`extractors.core.records.SpecFileError`).

``$ATLAS_SPECS_DIR`` points the extractor at another folder of specs (tests use broken copies).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import schemas
from extractors.core.config import YamlDoc, check_keys, read_yaml
from extractors.core.records import SpecFileError

DEFAULT_SPECS_DIR = Path(__file__).with_name("specs")
# keys of a table spec whose values are column numbers, lists of column numbers, or regular expressions
_INT_KEYS = ("item_column", "amount_column", "total_column", "label_column", "segment_column", "subject_column",
             "country_column", "category_column", "header_rows", "width", "lines_per_row", "row_group_column")
_INT_LIST_KEYS = ("year_columns", "required", "group_columns")
_PATTERN_KEYS = ("item_pattern", "issued_pattern", "programme_pattern", "value_pattern")
_PROSE_PATTERN_LISTS = ("heading_levels", "heading_patterns", "not_headings", "skip_sections", "stop",
                        "footnote_lines", "skip_lines")
_PROSE_KEYS = frozenset({"mode", "jurisdiction", "self", "lists", "heading_titles", "unquoted",
                         *_PROSE_PATTERN_LISTS})


def specs_dir() -> Path:
    """Folder of specs: ``$ATLAS_SPECS_DIR`` or ``extractors/report_text/specs``."""
    return Path(os.environ.get("ATLAS_SPECS_DIR", DEFAULT_SPECS_DIR))


def table_entry(tspec: object, i: int) -> str:
    """How an error names the ``i``-th (0-based) table spec: ``table '4'``, or ``table entry 3`` without an id."""
    if isinstance(tspec, dict) and tspec.get("table_id") is not None:
        return f"table {str(tspec['table_id'])!r}"
    return f"table entry {i + 1}"


def read_table_spec(path: Path, source_id: str, mappers: dict) -> YamlDoc:
    """Parse and check a table spec. ``mappers``: {(target, layout): mapper}. Raises SpecFileError (file, line,
    table, cause) for invalid YAML, a source_id that is not the file's, ``tables`` that is not a list of
    mappings with table_id and target, a target/layout no mapper reads, a column number that is not an integer,
    a ``kpi_text``, ``market_text`` or ``indicator_text`` section without section/start/end or with a ``cell``
    that is not a column number, a ``sentences`` other than ``planned``, a ``value_kind`` other than
    target/achieved, or a pattern that does not compile."""
    doc = read_yaml(path, SpecFileError)
    spec = doc.data
    if not isinstance(spec, dict):
        raise doc.error((), None, "expected a mapping with source_id and tables")
    if spec.get("source_id") != source_id:
        raise doc.error(("source_id",), "source_id",
                        f"source_id {spec.get('source_id')!r} does not match the file name")
    if not isinstance(spec.get("tables") or [], list):
        raise doc.error(("tables",), "tables", "expected a list of table specs")
    _pattern(doc, ("programme_period",), "programme_period")
    for i in range(len(spec.get("tables") or [])):
        _check_table(doc, i, mappers)
    for name in ("kpi_text", "market_text", "indicator_text"):
        for i, sec in enumerate(spec.get(name) or []):
            entry = f"{name} entry {i + 1}"
            missing = [k for k in ("section", "start", "end") if not isinstance(sec, dict) or sec.get(k) is None]
            if missing:
                raise doc.error((name, i), entry, f"missing key {missing[0]!r} (section, start, end)")
            for key in ("start", "end", "heading", "indicator_pattern"):
                _pattern(doc, (name, i, key), entry)
            _check_text_section(doc, name, i, entry)
    return doc


def _check_text_section(doc: YamlDoc, name: str, i: int, entry: str) -> None:
    """``cell`` / ``indicator_cell`` are column numbers; ``sentences`` is ``planned``; ``value_kind`` is one of
    the kpis enum (extractors/report_text/mappers/kpi_text.py)."""
    sec = doc.data[name][i]
    for key in ("cell", "indicator_cell"):
        if sec.get(key) is not None and not isinstance(sec[key], int):
            raise doc.error((name, i, key), entry, f"{key} must be a column number, got {sec[key]!r}")
    if sec.get("sentences") not in (None, "planned"):
        raise doc.error((name, i, "sentences"), entry, f"sentences must be 'planned', got {sec['sentences']!r}")
    if sec.get("value_kind") not in (None, "target", "achieved"):
        raise doc.error((name, i, "value_kind"), entry,
                        f"value_kind must be 'target' or 'achieved', got {sec['value_kind']!r}")


def _check_table(doc: YamlDoc, i: int, mappers: dict) -> None:
    tspec, entry, at = doc.data["tables"][i], table_entry(doc.data["tables"][i], i), ("tables", i)
    if not isinstance(tspec, dict):
        raise doc.error(at, entry, "expected a mapping with table_id and target")
    for key in ("table_id", "target"):
        if tspec.get(key) is None:
            raise doc.error(at, entry, f"missing key {key!r}")
    target, layout = tspec["target"], tspec.get("layout")
    if target != "report_tables" and (target, layout) not in mappers:
        known = sorted({t for t, _ in mappers} | {"report_tables"})
        cause = (f"no mapper for target {target!r} with layout {layout!r}" if target in known
                 else f"unknown target {target!r} (one of {known})")
        raise doc.error((*at, "layout" if target in known else "target"), entry, cause)
    _check_columns(doc, i, entry)
    for key in _PATTERN_KEYS:
        _pattern(doc, (*at, key), entry)
    stages = schemas.tables()["policy_events"].column("event").enum or ()
    if tspec.get("event") is not None and tspec["event"] not in stages:
        raise doc.error((*at, "event"), entry, f"event {tspec['event']!r} is not a stage of policy_events "
                        f"({', '.join(stages)})")


def _check_columns(doc: YamlDoc, i: int, entry: str) -> None:
    tspec, at = doc.data["tables"][i], ("tables", i)
    for key in _INT_KEYS:
        if tspec.get(key) is not None and not isinstance(tspec[key], int):
            raise doc.error((*at, key), entry, f"{key} must be a column number, got {tspec[key]!r}")
    for key in _INT_LIST_KEYS:
        value = tspec.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, int) for v in value)):
            raise doc.error((*at, key), entry, f"{key} must be a list of column numbers, got {value!r}")
    cols = tspec.get("columns")
    if "columns" in tspec and not (isinstance(cols, dict) and all(isinstance(v, int) for v in cols.values())):
        raise doc.error((*at, "columns"), entry, f"columns must map names to column numbers, got {cols!r}")


def _pattern(doc: YamlDoc, keys: tuple, entry: str) -> None:
    """Raise SpecFileError when the value at ``keys`` is present and is not a regular expression."""
    value = doc.data
    for k in keys:
        value = value.get(k) if isinstance(value, dict) else value[k] if isinstance(value, list) else None
    if value is None:
        return
    try:
        re.compile(value)
    except (re.error, TypeError) as exc:
        raise doc.error(keys, entry, f"{value!r} is not a regular expression ({exc})") from exc


def read_prose_spec(path: Path) -> YamlDoc:
    """Parse and check a prose spec. Raises SpecFileError (file, line, key, cause) for invalid YAML, a file that
    is not a mapping, an unknown key, a pattern list that is not a list of regular expressions, or a ``lists``
    entry / ``self`` block without its patterns."""
    doc = read_yaml(path, SpecFileError)
    if doc.data is None:
        return doc
    if not isinstance(doc.data, dict):
        raise doc.error((), None, "expected a mapping of settings")
    check_keys(doc, (), None, _PROSE_KEYS, SpecFileError)
    for key in _PROSE_PATTERN_LISTS:
        value = doc.data.get(key)
        if value is not None and not isinstance(value, list):
            raise doc.error((key,), key, f"{key} must be a list of regular expressions, got {value!r}")
        for j in range(len(value or [])):
            _pattern(doc, (key, j), f"{key} item {j + 1}")
    _check_prose_blocks(doc)
    return doc


def _check_prose_blocks(doc: YamlDoc) -> None:
    """``lists`` entries (a heading pattern) and the ``self`` block (an until pattern)."""
    for j, item in enumerate(doc.data.get("lists") or []):
        if not isinstance(item, dict) or "heading" not in item:
            raise doc.error(("lists", j), f"lists item {j + 1}", "expected a mapping with a heading pattern")
        _pattern(doc, ("lists", j, "heading"), f"lists item {j + 1}")
        cols = item.get("columns")
        if cols is not None and not (isinstance(cols, dict) and all(isinstance(cols.get(k), int)
                                                                    for k in ("title", "issuer"))):
            raise doc.error(("lists", j, "columns"), f"lists item {j + 1}",
                            f"columns must give the column numbers of title and issuer, got {cols!r}")
    if doc.data.get("self") is not None:
        if not isinstance(doc.data["self"], dict) or "until" not in doc.data["self"]:
            raise doc.error(("self",), "self", "expected a mapping with an until pattern")
        for key in ("until", "issuer"):
            _pattern(doc, ("self", key), f"self {key}")
