"""Accuracy of the extraction against the hand-checked reference sample in ``tests/reference/``.

Usage::

    python benchmarks/accuracy.py                 # run the extraction in-process and measure it
    python benchmarks/accuracy.py --release DIR   # measure a published release's Parquet files instead
    python benchmarks/accuracy.py --json out.json # also write the figures as JSON

For every reference file and every sampled scope (a source id + line range) the extracted records whose source
line falls inside the scope are compared with the reference records of that scope. Printed: precision and recall
per dataset table (and per scope for policies), the misses (reference records not found) and the extras
(extracted records in a scope that match no reference record). It is a measurement, not a test: it exits 0
whatever the figures are. A dataset table that the contract (schemas/tables.yaml) or the release does not have
yet is reported as "not extracted".

Matching rules (see tests/reference/README.md):

* policies: same jurisdiction (or one of the reference's ``jurisdiction_alt``), title keys
  (``extractors.resolve.title_key``) equal ("exact") or one containing the other ("partial", reported), and a
  mention of the extracted policy whose line range overlaps a line the reference gives. One-to-one, exact
  matches first. Reference records marked ``optional`` count neither as misses nor, when matched, as extras.
* patent_counts, market_figures, budgets, indicators: same line, the parsed number equal (and period / year,
  jurisdiction, applicant where the reference gives them); the printed value is compared and a difference is
  reported. One-to-one.
* kpis: one reference record per printed figure; an extracted statement row on the same line matches when its
  target or baseline value equals the figure ("parsed") or the statement as printed contains the figure
  ("printed"). Many figures may match one statement row.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

REFERENCE_DIR = PROJECT_ROOT / "tests" / "reference"
# reference file -> candidate dataset table names (first one present in the extraction wins)
REFERENCE_TABLES = {
    "policies": ("policies",),
    "patent_counts": ("patent_counts",),
    "market_figures": ("market_figures",),
    "budgets": ("budgets", "budget_lines", "programme_budgets"),
    "kpis": ("kpis", "kpi_targets", "performance_indicators"),
    "indicators": ("indicators", "supercomputer_rankings", "rankings"),
}
_LOCATOR_RE = re.compile(r"^(?:表 (?P<table>\S+) )?L(?P<start>\d+)(?:-(?P<end>\d+))?$")


# --- helpers -----------------------------------------------------------------------------------

def parse_locator(locator: str | None) -> tuple[str | None, int, int] | None:
    """``"表 3-1 L812-813"`` -> ("3-1", 812, 813); ``"L12"`` -> (None, 12, 12); None when unreadable."""
    m = _LOCATOR_RE.match((locator or "").strip())
    if not m:
        return None
    start = int(m.group("start"))
    return m.group("table"), start, int(m.group("end") or start)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _row_ranges(row: dict) -> list[tuple[int, int]]:
    """Line ranges of a row's ``source_locator`` and of its ``other_locators`` (kpis, market_figures)."""
    locators = [row.get("source_locator"), *[x for x in (row.get("other_locators") or "").split("; ") if x]]
    return [(loc[1], loc[2]) for loc in filter(None, map(parse_locator, locators))]


def _in_scope(row: dict, scope: dict) -> tuple[int, int] | None:
    """The row's line range when it is in the scope (same source, overlapping lines), else None. A row that
    names further places printing it (kpis ``other_locators``, "L1639-1639; L1659-1659") is in the scope
    when any of them is; the first such range is returned. A scope with ``only: tables`` holds table rows only
    (locator ``表 …``); lines inside a scope's ``not_sampled`` ranges (table bodies of a running-text scope) are
    not in it."""
    if row.get("source_id") != scope["source_id"]:
        return None
    if scope.get("only") == "tables" and not (row.get("source_locator") or "").startswith("表"):
        return None     # the scope sampled table cells only: running-text rows in its lines are unsampled
    ranges = [rng for rng in _row_ranges(row) if _overlaps(rng, tuple(scope["lines"]))
              and not any(lo <= rng[0] and rng[1] <= hi for lo, hi in scope.get("not_sampled") or [])]
    return ranges[0] if ranges else None


def _num_equal(a, b) -> bool:
    try:
        fa, fb = float(a), float(b)
    except (TypeError, ValueError):
        return False
    if math.isnan(fa) or math.isnan(fb):
        return False
    return math.isclose(fa, fb, rel_tol=1e-9, abs_tol=1e-9)


def _squash(text) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def _fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def load_reference(name: str, folder: Path | None = None) -> dict | None:
    path = (folder or REFERENCE_DIR) / f"{name}.yaml"
    if not path.exists():
        return None
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- getting the extraction --------------------------------------------------------------------

def extract_in_process() -> tuple[dict[str, list[dict]], dict]:
    """Run every source's extraction and the policy resolution; returns (rows per table, timing/errors)."""
    t_all = time.perf_counter()
    tables: dict[str, list[dict]] = defaultdict(list)
    timing: dict = {"sources": {}, "errors": {}}
    try:
        from extractors import resolve  # noqa: PLC0415
        from extractors.core import snapshots  # noqa: PLC0415
        from extractors.report_text import extract  # noqa: PLC0415
    except Exception as exc:  # noqa: BLE001  (extractors being edited: measure nothing, say why)
        timing["errors"]["import"] = f"{type(exc).__name__}: {exc}"
        timing["total"] = time.perf_counter() - t_all
        return {}, timing
    for meta in snapshots.list_sources():
        sid = meta["source_id"]
        t0 = time.perf_counter()
        try:
            ex = extract.extract_source(snapshots.load(sid))
        except Exception as exc:  # noqa: BLE001  (a measurement: report a failing extractor and go on)
            timing["errors"][sid] = f"{type(exc).__name__}: {exc}"
            timing["sources"][sid] = time.perf_counter() - t0
            continue
        timing["sources"][sid] = time.perf_counter() - t0
        for table, rows in ex.rows.items():
            tables[table].extend(rows)
    t0 = time.perf_counter()
    try:
        res = resolve.resolve(tables.get("policy_mentions", []), tables.get("policy_relations", []))
        for key in ("policies", "policy_mentions", "policy_relations"):
            tables[key] = res[key]
        tables["quality_flags"].extend(res["quality_flags"])
    except Exception as exc:  # noqa: BLE001
        timing["errors"]["resolve"] = f"{type(exc).__name__}: {exc}"
    timing["resolve"] = time.perf_counter() - t0
    timing["total"] = time.perf_counter() - t_all
    return dict(tables), timing


def read_release(folder: Path) -> tuple[dict[str, list[dict]], dict]:
    """Rows per table from a release folder's ``<table>.parquet`` files."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    t0 = time.perf_counter()
    tables = {p.stem: pq.read_table(p).to_pylist() for p in sorted(folder.glob("*.parquet"))}
    return tables, {"sources": {}, "errors": {}, "total": time.perf_counter() - t0, "release": str(folder)}


def contract_tables() -> set[str]:
    try:
        import schemas  # noqa: PLC0415
        return set(schemas.tables())
    except Exception:  # noqa: BLE001
        return set()


# --- policies ----------------------------------------------------------------------------------

def _policy_candidates(tables: dict, scope: dict) -> list[dict]:
    """Extracted policies with at least one mention in the scope, with the mentions' titles and lines there."""
    from extractors.resolve import title_key  # noqa: PLC0415

    policies = {p["policy_id"]: p for p in tables.get("policies", [])}
    mentions = tables.get("policy_mentions")
    if not mentions:  # a release without the mentions table: the primary mention is all we know
        mentions = [{"policy_id": p["policy_id"], "source_id": p["source_id"], "source_locator": p["source_locator"],
                     "title": p["title"], "jurisdiction": p["jurisdiction"]} for p in policies.values()]
    found: dict[str, dict] = {}
    for m in mentions:
        rng = _in_scope(m, scope)
        if rng is None:
            continue
        pol = policies.get(m["policy_id"], {})
        cand = found.setdefault(m["policy_id"], {
            "policy_id": m["policy_id"], "title": pol.get("title") or m.get("title"),
            "jurisdiction": pol.get("jurisdiction") or m.get("jurisdiction"),
            "instrument_type": pol.get("instrument_type"), "genai_specific": pol.get("genai_specific"),
            "keys": set(), "ranges": [], "locators": []})
        cand["keys"].add(title_key(m.get("title") or ""))
        if pol.get("title"):
            cand["keys"].add(title_key(pol["title"]))
        cand["ranges"].append(rng)
        cand["locators"].append(m["source_locator"])
    for cand in found.values():
        cand["keys"].discard("")
    return sorted(found.values(), key=lambda c: min(r[0] for r in c["ranges"]))


def _ref_keys(ref: dict) -> set[str]:
    from extractors.resolve import title_key  # noqa: PLC0415

    names = [ref["title"], *(ref.get("also_printed") or [])]
    if ref.get("title_en"):
        names.append(ref["title_en"])
    return {k for k in (title_key(n) for n in names) if k}


def _title_match(ref_keys: set[str], cand_keys: set[str]) -> str | None:
    if ref_keys & cand_keys:
        return "exact"
    for a in ref_keys:
        for b in cand_keys:
            short, long_ = sorted((a, b), key=len)
            if len(short) >= 3 and short in long_:
                return "partial"
    return None


def _policy_pair(ref: dict, cand: dict) -> str | None:
    juris = {ref["jurisdiction"], *(ref.get("jurisdiction_alt") or [])}
    if cand["jurisdiction"] not in juris:
        return None
    kind = _title_match(_ref_keys(ref), cand["keys"])
    if kind is None:
        return None
    if not any(_overlaps((ln, ln), rng) for ln in ref["lines"] for rng in cand["ranges"]):
        return None
    return kind


def measure_policies(reference: dict, tables: dict) -> dict:  # noqa: C901  (over the complexity budget: to be split, issue 9)
    per_scope, misses, extras, partials, field_diffs = {}, [], [], [], []
    tp = fp = fn = dups = 0
    agree = {"instrument_type": [0, 0], "genai_specific": [0, 0]}
    for scope in reference["scopes"]:
        refs = [r for r in reference["records"] if r["scope"] == scope["id"]]
        cands = _policy_candidates(tables, scope)
        pairs = []
        for i, ref in enumerate(refs):
            for j, cand in enumerate(cands):
                kind = _policy_pair(ref, cand)
                if kind:
                    pairs.append((0 if kind == "exact" else 1, bool(ref.get("optional")), i, j, kind))
        pairs.sort()
        ref_done, cand_done = {}, {}
        for _, _, i, j, kind in pairs:
            if i in ref_done or j in cand_done:
                continue
            ref_done[i], cand_done[j] = (j, kind), i
        s_tp = sum(1 for i in ref_done if not refs[i].get("optional"))
        s_fn = sum(1 for i, r in enumerate(refs) if i not in ref_done and not r.get("optional"))
        s_fp = sum(1 for j in range(len(cands)) if j not in cand_done)
        s_dup = sum(1 for j, c in enumerate(cands) if j not in cand_done
                    and any(i in ref_done and _policy_pair(r, c) for i, r in enumerate(refs)))
        tp, fn, fp, dups = tp + s_tp, fn + s_fn, fp + s_fp, dups + s_dup
        per_scope[scope["id"]] = {"tp": s_tp, "fp": s_fp, "fn": s_fn, "precision": _ratio(s_tp, s_tp + s_fp),
                                  "recall": _ratio(s_tp, s_tp + s_fn),
                                  "optional_matched": sum(1 for i in ref_done if refs[i].get("optional")),
                                  "fp_duplicates": s_dup,
                                  "extracted": len(cands), "types_agree": 0, "types_compared": 0}
        for i, ref in enumerate(refs):
            if i in ref_done:
                cand, kind = cands[ref_done[i][0]], ref_done[i][1]
                if kind == "partial":
                    partials.append(f"{scope['id']}: {ref['jurisdiction']} {ref['title']!r} ~ {cand['title']!r}")
                for fld in agree:
                    if ref.get(fld) is not None and cand.get(fld) is not None:
                        agree[fld][1] += 1
                        same = ref[fld] == cand[fld]
                        if fld == "instrument_type":
                            per_scope[scope["id"]]["types_compared"] += 1
                            per_scope[scope["id"]]["types_agree"] += same
                        if same:
                            agree[fld][0] += 1
                        else:
                            field_diffs.append(f"{scope['id']}: {ref['title']!r} {fld}: reference {ref[fld]!r}, "
                                               f"extracted {cand[fld]!r}")
            elif not ref.get("optional"):
                lines = ",".join(map(str, ref["lines"]))
                misses.append(f"{scope['id']}: {ref['jurisdiction']} {ref['title']!r} L{lines}")
        for j, cand in enumerate(cands):
            if j in cand_done:
                continue
            dup = ""
            for i, ref in enumerate(refs):
                if i in ref_done and _policy_pair(ref, cand):
                    dup = f" (duplicate of matched {ref['title']!r})"
                    break
            extras.append(f"{scope['id']}: {cand['jurisdiction']} {cand['title']!r} {', '.join(cand['locators'])}{dup}")
    return {"status": "measured", "tp": tp, "fp": fp, "fn": fn, "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn), "fp_duplicates": dups,
            "precision_ignoring_duplicates": _ratio(tp, tp + fp - dups),
            "scopes": per_scope, "misses": misses, "extras": extras,
            "partial_matches": partials, "field_agreement": {k: _ratio(*v) for k, v in agree.items()},
            "field_differences": field_diffs}


# --- numeric tables ----------------------------------------------------------------------------

def _year_span(text, roc: bool = False) -> tuple[int, int] | None:
    """'2023' -> (2023, 2023); '2023-2032' -> (2023, 2032); ROC '114-117' -> (2025, 2028); None otherwise."""
    nums = [int(n) for n in re.findall(r"\d+", str(text or ""))]
    if roc:
        nums = [n + 1911 for n in nums if 50 <= n <= 200]
    else:
        nums = [n for n in nums if 1900 <= n <= 2100]
    if len(nums) == 1:
        return nums[0], nums[0]
    if len(nums) == 2:
        return nums[0], nums[1]
    return None


def _norm_name(text) -> str:
    from extractors.resolve import title_key  # noqa: PLC0415
    return title_key(str(text or ""))


def _match_patent(ref: dict, row: dict) -> str | None:
    if (row.get("jurisdiction") != ref["jurisdiction"]
            or not _num_equal(row.get("patent_families"), ref["patent_families"])):
        return None
    if (ref.get("applicant") is None) != (row.get("applicant") is None):
        return None
    if ref.get("applicant"):
        a, b = _norm_name(ref["applicant"]), _norm_name(row["applicant"])
        if a != b and not (a in b or b in a):
            return None
    notes = []
    if ref.get("rank") is not None and row.get("rank") != ref["rank"]:
        notes.append(f"rank {row.get('rank')!r} != printed {ref['rank']}")
    return "; ".join(notes) or "ok"


def _match_market(ref: dict, row: dict) -> str | None:
    if not (_num_equal(row.get("value_low"), ref["value_low"])
            and _num_equal(row.get("value_high"), ref["value_high"])):
        return None
    span = _year_span(ref.get("period"))
    if span and row.get("period_start") is not None and (row.get("period_start"), row.get("period_end")) != span:
        return None
    notes = []
    if _squash(row.get("value_printed")) != _squash(ref["value_printed"]):
        notes.append(f"printed {row.get('value_printed')!r} != {ref['value_printed']!r}")
    if row.get("unit") and _squash(row["unit"]) != _squash(ref["unit"]):
        notes.append(f"unit {row['unit']!r} != {ref['unit']!r}")
    return "; ".join(notes) or "ok"


def _match_budget(ref: dict, row: dict) -> str | None:
    if not _num_equal(row.get("amount"), ref["amount"]):
        return None
    span = _year_span(ref["year"], roc=True)
    if span and row.get("period_start") is not None and (row.get("period_start"), row.get("period_end")) != span:
        return None
    if span and row.get("period_start") is None and row.get("fiscal_year") is not None and span[0] == span[1] \
            and row["fiscal_year"] != span[0]:
        return None
    notes = []
    if row.get("amount_printed") is not None and _squash(row["amount_printed"]) != _squash(ref["amount_printed"]):
        notes.append(f"printed {row.get('amount_printed')!r} != {ref['amount_printed']!r}")
    return "; ".join(notes) or "ok"


def _match_indicator(ref: dict, row: dict) -> str | None:
    values = [v for k, v in row.items() if k not in ("line_start", "line_end") and isinstance(v, (int, float))
              and not isinstance(v, bool)]
    if not any(_num_equal(v, ref["value"]) for v in values):
        return None
    return "ok"


_MATCHERS = {"patent_counts": _match_patent, "market_figures": _match_market, "budgets": _match_budget,
             "indicators": _match_indicator}


def _ref_range(ref: dict) -> tuple[int, int]:
    lines = ref.get("lines") or [ref["line"]]
    return min(lines + [ref["line"]]), max(lines + [ref["line"]])


def _describe(ref: dict) -> str:
    keys = ("table", "jurisdiction", "applicant", "segment", "item", "system", "indicator", "period", "year",
            "value_printed", "amount_printed", "patent_families", "value")
    return " ".join(f"{ref[k]}" for k in keys if ref.get(k) is not None) + f" L{ref['line']}"


def _row_desc(row: dict) -> str:
    keys = ("jurisdiction", "applicant", "segment", "item", "indicator", "metric", "fiscal_year_printed",
            "period_start", "period_end", "value_printed", "amount_printed", "patent_families", "target_value")
    return " ".join(f"{row[k]}" for k in keys if row.get(k) is not None) + f" {row.get('source_locator')}"


def _match_in_scopes(reference: dict, rows: list[dict], find) -> dict:
    """Per scope, match each reference record to an extracted row in the scope's lines.

    ``find(ref, cands, used) -> (index, note) | None`` picks the row (``note`` "ok" or what differs).
    Returns tp/fp/fn, per-scope figures (``matched`` = distinct rows matched), misses, extras and
    ``(scope, ref, row, note)`` for every match."""
    per_scope, misses, extras, matches = {}, [], [], []
    tp = fp = fn = 0
    for scope in reference["scopes"]:
        refs = [r for r in reference["records"] if r["scope"] == scope["id"]]
        cands = [(row, rng) for row in rows if (rng := _in_scope(row, scope))]
        used: set[int] = set()
        s_tp = 0
        s_fn = 0
        for ref in refs:
            hit = find(ref, cands, used)
            if hit is None:
                if not ref.get("optional"):   # an unmatched optional record is not a miss
                    s_fn += 1
                    misses.append(f"{scope['id']}: {_describe(ref)}")
                continue
            used.add(hit[0])                  # a matched optional record: neither tp nor fp
            s_tp += 0 if ref.get("optional") else 1
            matches.append((scope["id"], ref, cands[hit[0]][0], hit[1]))
        s_fp = len(cands) - len(used)
        extras += [f"{scope['id']}: {_row_desc(row)}" for j, (row, _) in enumerate(cands) if j not in used]
        tp, fp, fn = tp + s_tp, fp + s_fp, fn + s_fn
        per_scope[scope["id"]] = {"tp": s_tp, "fp": s_fp, "fn": s_fn, "extracted": len(cands),
                                  "matched": len(used), "refs": len(refs)}
    return {"tp": tp, "fp": fp, "fn": fn, "scopes": per_scope, "misses": misses, "extras": extras,
            "matches": matches}


def measure_numeric(name: str, reference: dict, rows: list[dict]) -> dict:
    """One-to-one matching on line overlap + the table's matcher."""
    matcher = _MATCHERS[name]

    def find(ref, cands, used):
        hit = None
        for j, (row, rng) in enumerate(cands):
            if j in used or not _overlaps(_ref_range(ref), rng):
                continue
            note = matcher(ref, row)
            if note is not None:
                hit = (j, note)
                if note == "ok":
                    break
        return hit

    m = _match_in_scopes(reference, rows, find)
    tp, fp, fn = m["tp"], m["fp"], m["fn"]
    per_scope = {sid: {"tp": s["tp"], "fp": s["fp"], "fn": s["fn"],
                       "precision": _ratio(s["tp"], s["tp"] + s["fp"]), "recall": _ratio(s["tp"], s["tp"] + s["fn"]),
                       "extracted": s["extracted"]} for sid, s in m["scopes"].items()}
    notes = [f"{sid}: {_describe(ref)}: {note}" for sid, ref, _, note in m["matches"] if note != "ok"]
    return {"status": "measured", "tp": tp, "fp": fp, "fn": fn, "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn), "scopes": per_scope, "misses": m["misses"], "extras": m["extras"],
            "value_notes": notes}


def measure_kpis(reference: dict, rows: list[dict]) -> dict:
    """One reference target to one row (a row per printed target, issue 15) printed on one of the reference's
    lines (any of the row's locators): parsed (target value equal) or printed (the figure inside the row's
    value_printed, listed). A baseline record matches the row of its
    target (``由 32.5%(2023 年)提升至 50%`` is one row), so rows already matched stay candidates for it."""
    def find(ref, cands, used):
        how = None
        baseline = ref.get("role") == "baseline"
        ref_lines = ref.get("lines") or [ref["line"]]
        for j, (row, _) in enumerate(cands):
            on_line = any(_overlaps((ln, ln), rng) for ln in ref_lines for rng in _row_ranges(row))
            if not on_line or (j in used and not baseline):
                continue
            field = "baseline_value" if baseline else "target_value"
            if _num_equal(row.get(field), ref["value"]):
                return (j, "parsed")
            # the printed figure, which need not open the value as printed (``超過**5億**``)
            figure = re.search(r"\d[\d,.]*\s*\S?", str(ref["value_printed"]))
            if how is None and figure and _squash(figure.group(0)) in _squash(row.get("value_printed")):
                how = (j, "printed")
        return how

    # targets first: a baseline then finds its target's row already matched
    ordered = {**reference, "records": sorted(reference["records"], key=lambda r: r.get("role") == "baseline")}
    m = _match_in_scopes(ordered, rows, find)
    tp, fp, fn = m["tp"], m["fp"], m["fn"]
    per_scope = {sid: {"tp": s["tp"], "fp": s["fp"], "fn": s["fn"], "extracted": s["extracted"],
                       "precision": _ratio(s["matched"], s["extracted"]), "recall": _ratio(s["tp"], s["tp"] + s["fn"])}
                 for sid, s in m["scopes"].items()}
    printed_only = [f"{sid}: {_describe(ref)} (only inside {row.get('value_printed')!r})"
                    for sid, ref, row, note in m["matches"] if note == "printed"]
    n_rows = sum(s["extracted"] for s in per_scope.values())
    return {"status": "measured", "tp": tp, "fp": fp, "fn": fn,
            "precision": _ratio(n_rows - fp, n_rows), "recall": _ratio(tp, tp + fn), "scopes": per_scope,
            "misses": m["misses"], "extras": m["extras"], "value_notes": printed_only,
            "note": "precision = extracted statement rows matched by at least one reference figure / rows in scope"}


_SAMPLE_ORDER = {"old": 0, "new": 1, "holdout": 2, "holdout2": 3}


# --- old and new scopes ------------------------------------------------------------------------

def by_sample(ref_name: str, reference: dict, res: dict) -> dict:
    """Figures summed over the scopes of each sample: ``old`` (the scopes the extractor was tuned on; a scope
    without a ``sample`` key is old), ``new`` (scopes chosen for issue 15 before any extractor change) and
    ``holdout`` (scopes sampled blind, without seeing any extraction, while the extractor was being changed) and
    ``holdout2`` (a second blind sample, written while the extractor was being changed again).
    Policies also sum the instrument-type agreement on matched pairs (``types_agree`` of ``types_compared``).

    Precision is tp / (tp + fp), for kpis (many figures to one statement row) matched rows / rows in scope.
    Returns ``{sample: {"scopes", "tp", "fp", "fn", "precision", "recall"}}``."""
    out: dict[str, dict] = {}
    for scope in reference["scopes"]:
        s = res.get("scopes", {}).get(scope["id"])
        if s is None:
            continue
        g = out.setdefault(scope.get("sample", "old"), {"scopes": [], "tp": 0, "fp": 0, "fn": 0, "extracted": 0})
        g["scopes"].append(scope["id"])
        for k in ("tp", "fp", "fn", "extracted", "types_agree", "types_compared"):
            g[k] = g.get(k, 0) + s.get(k, 0)
    for g in out.values():
        hits = g["extracted"] - g["fp"] if ref_name == "kpis" else g["tp"]
        g["precision"] = _ratio(hits, hits + g["fp"])
        g["recall"] = _ratio(g["tp"], g["tp"] + g["fn"])
        g["type_agreement"] = _ratio(g["types_agree"], g["types_compared"])
    return out


# --- driver ------------------------------------------------------------------------------------

def measure(tables: dict[str, list[dict]], reference_dir: Path | None = None) -> dict:
    """Figures per reference table; tables missing from the extraction are ``{"status": "not extracted"}``."""
    contract = contract_tables()
    results = {}
    for ref_name, candidates in REFERENCE_TABLES.items():
        reference = load_reference(ref_name, reference_dir)
        if reference is None:
            results[ref_name] = {"status": "no reference"}
            continue
        table = next((t for t in candidates if t in tables and tables[t]), None) \
            or next((t for t in candidates if t in contract or t in tables), None)
        n_ref = sum(1 for r in reference["records"] if not r.get("optional"))
        if table is None or (table not in tables and table not in contract):
            results[ref_name] = {"status": "not extracted", "reference_records": n_ref,
                                 "detail": f"no table {' / '.join(candidates)} in the contract or the extraction"}
            continue
        rows = tables.get(table) or []
        if ref_name == "policies":
            res = measure_policies(reference, tables)
        elif ref_name == "kpis":
            res = measure_kpis(reference, rows)
        else:
            res = measure_numeric(ref_name, reference, rows)
        res["table"] = table
        res["reference_records"] = n_ref
        res["samples"] = by_sample(ref_name, reference, res)
        if not rows:
            res["status"] = "not extracted (table empty)"
        results[ref_name] = res
    return results


def report(results: dict, timing: dict, out=sys.stdout, max_items: int = 200) -> None:  # noqa: C901  (over the complexity budget: to be split, issue 9)
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p("== extraction timing ==")
    if timing.get("release"):
        p(f"read release {timing['release']}: {timing['total']:.3f} s")
    for sid, secs in timing.get("sources", {}).items():
        p(f"  extract {sid:<40}{secs:8.3f} s")
    if "resolve" in timing:
        p(f"  resolve policies{'':<32}{timing['resolve']:8.3f} s")
    if "total" in timing and not timing.get("release"):
        p(f"  total (incl. imports){'':<27}{timing['total']:8.3f} s")
    for where, err in timing.get("errors", {}).items():
        p(f"  ERROR in {where}: {err}")
    p("")
    p("== summary ==")
    p(f"{'table':<16}{'status':<30}{'ref':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}")
    for name, res in results.items():
        if "tp" not in res:
            p(f"{name:<16}{res.get('status'):<30}{res.get('reference_records', ''):>5}")
            continue
        p(f"{name:<16}{res['status']:<30}{res['reference_records']:>5}"
          f"{res['tp']:>5}{res['fp']:>5}{res['fn']:>5}{_fmt(res['precision']):>11}{_fmt(res['recall']):>8}")
    p("")
    p("== old, new and hold-out scopes (tests/reference/README.md: 'old' = tuned on, 'new' = sampled for issue 15, "
      "'holdout' and 'holdout2' = sampled blind) ==")
    p(f"{'table':<16}{'sample':<10}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}{'types':>10}  scopes")
    for name, res in results.items():
        for sample, g in sorted(res.get("samples", {}).items(), key=lambda kv: _SAMPLE_ORDER.get(kv[0], 9)):
            types = f"{g['types_agree']}/{g['types_compared']}" if g.get("types_compared") else ""
            p(f"{name:<16}{sample:<10}{g['tp']:>5}{g['fp']:>5}{g['fn']:>5}{_fmt(g['precision']):>11}"
              f"{_fmt(g['recall']):>8}{types:>10}  {', '.join(g['scopes'])}")
    for name, res in results.items():
        if "scopes" not in res:
            continue
        p("")
        p(f"== {name} (table {res['table']}) ==")
        for sid, s in res["scopes"].items():
            extra = (f"  optional matched {s['optional_matched']}  fp duplicates {s['fp_duplicates']}"
                     if "optional_matched" in s else "")
            p(f"  scope {sid:<14} extracted {s['extracted']:>4}  tp {s['tp']:>3}  fp {s['fp']:>3}  fn {s['fn']:>3}"
              f"  precision {_fmt(s['precision'])}  recall {_fmt(s['recall'])}{extra}")
        if "fp_duplicates" in res:
            p(f"  extras that duplicate a matched instrument: {res['fp_duplicates']}; precision without them "
              f"{_fmt(res['precision_ignoring_duplicates'])}")
        if res.get("field_agreement"):
            p("  field agreement on matches: " + ", ".join(f"{k} {_fmt(v)}" for k, v in res["field_agreement"].items()))
        for label in ("misses", "extras", "partial_matches", "value_notes", "field_differences"):
            items = res.get(label) or []
            if not items:
                continue
            p(f"  -- {label} ({len(items)}) --")
            for item in items[:max_items]:
                p(f"     {item}")
            if len(items) > max_items:
                p(f"     ... {len(items) - max_items} more")


def main(argv: list[str] | None = None, out=sys.stdout) -> dict:
    """Run the measurement; returns ``{"tables": results per reference table, "timing": ...}``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--release", type=Path, help="measure a release folder's Parquet files instead of extracting")
    ap.add_argument("--reference", type=Path, default=REFERENCE_DIR, help="reference folder (default tests/reference)")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--max-items", type=int, default=200, help="longest list of misses/extras printed per table")
    args = ap.parse_args(argv)
    tables, timing = read_release(args.release) if args.release else extract_in_process()
    results = measure(tables, args.reference)
    report(results, timing, out=out, max_items=args.max_items)
    summary = {"tables": results, "timing": timing}
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return summary


if __name__ == "__main__":
    main()
    sys.exit(0)
