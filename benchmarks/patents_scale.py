"""Benchmark: the GenAI patent recount at PatentsView's real size (prints figures; asserts nothing; not a test).

Usage: .venv/bin/python benchmarks/patents_scale.py [--patents 9000000] [--cpc 20000000] [--dir DIR] [--keep]

1. Generates PatentsView-shaped tables with DuckDB into a temporary folder (not in git): the same file names and
   headers as the bulk files (g_patent, g_application, g_cpc_current, g_cpc_title, g_inventor_disambiguated,
   g_assignee_disambiguated, g_location_disambiguated), tab-separated, text in double quotes (``""`` inside),
   numbers bare, some titles with a tab, a quote or a newline inside. Key distributions: sequential patent ids
   (as granted), 1-4 CPC rows per patent averaging ``cpc / patents`` (about 2.2: 20 M rows for 9 M patents),
   about 2 % of patents in G06N3 and 0.4 % in the GenAI groups; 1-6 inventors per patent (mean about 2.4) over
   150,000 locations with a skewed country mix (US half, then JP, CN, KR, DE ...); 0-2 assignees per patent
   over 400,000 assignees, a few very large; a location missing for 1 % of inventors. Deterministic (hashes).
2. At half size and at full size, in the same run, each in its own process (so each has its own peak RSS),
   alternating ``--repeats`` times (best time reported, all printed; worst peak RSS reported):
   the project's :func:`extractors.patentsview.recount.recount` and a plain hand-written DuckDB query doing the
   same scan, joins, filter and grouping (no temp tables), both with memory_limit 2GB and a temp_directory.
3. Prints one line per figure: seconds (wall clock) and cpu seconds (user + system: steadier on a shared
   machine), throughput (g_cpc_current rows per second), the recount/plain throughput
   ratio (target >= 0.8), peak RSS in MB (target < 2048), and how cost grows from half to full size (seconds per
   million CPC rows at each size; the ratio of the two is 1.0 for linear growth). It also checks that both
   queries found the same total of GenAI patents.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CODES = ["G06N3/045", "G06N3/0455", "G06N3/0475"]
MEMORY = "2GB"

# hash-based pseudo-random numbers: h(i, salt) in [0, 1)
_H = "((hash({x} * 2654435761 + {salt}) % 1000003) / 1000003.0)"


def _h(x: str, salt: int) -> str:
    return _H.format(x=x, salt=salt)


def _copy(con, select: str, path: Path, quoted: list[str]) -> None:
    cols = ", ".join(quoted)
    con.execute(f"COPY ({select}) TO '{path}' (FORMAT csv, DELIMITER '\t', HEADER true, QUOTE '\"', "
                f"ESCAPE '\"', FORCE_QUOTE ({cols}))")


def generate(folder: Path, patents: int, cpc: int) -> dict[str, Path]:
    """Write the seven tables for ``patents`` patents and about ``cpc`` CPC rows; returns their paths."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET memory_limit='{MEMORY}'; SET temp_directory='{folder / 'tmp'}'; "
                "SET preserve_insertion_order=false")
    p = {t: folder / f"{t}.tsv" for t in ("g_patent", "g_application", "g_cpc_current", "g_cpc_title",
                                           "g_inventor_disambiguated", "g_assignee_disambiguated",
                                           "g_location_disambiguated")}
    pid = "CAST(8000000 + i AS VARCHAR)"
    title = ("CASE WHEN i % 997 = 0 THEN 'Model with\ttab ' || i WHEN i % 991 = 0 THEN 'A \"quoted\" net ' || i "
             "WHEN i % 983 = 0 THEN 'Two-line' || chr(10) || 'title ' || i ELSE 'System and method for item ' || i "
             "END")
    _copy(con, f"SELECT {pid} AS patent_id, 'utility' AS patent_type, "
          f"CAST(DATE '2001-01-02' + CAST(i * 8700 // {patents} AS INTEGER) AS VARCHAR) AS patent_date, "
          f"{title} AS patent_title, 'B2' AS wipo_kind, CAST(5 + i % 30 AS INTEGER) AS num_claims, "
          f"CAST(CASE WHEN i % 5000 = 0 THEN 1 ELSE 0 END AS INTEGER) AS withdrawn, "
          f"'ipg' || (i % 1000) || '.xml' AS filename FROM range({patents}) t(i)", p["g_patent"],
          ["patent_id", "patent_type", "patent_date", "patent_title", "wipo_kind", "filename"])
    _copy(con, f"SELECT (i % 17 + 10) || '/' || i AS application_id, {pid} AS patent_id, "
          f"CAST(i % 17 + 10 AS VARCHAR) AS patent_application_type, "
          f"CAST(DATE '1998-06-01' + CAST(i * 8700 // {patents} AS INTEGER) AS VARCHAR) AS filing_date, "
          f"CAST(i % 17 + 10 AS VARCHAR) AS series_code, 0 AS rule_47_flag FROM range({patents}) t(i)",
          p["g_application"], ["application_id", "patent_id", "patent_application_type", "filing_date",
                               "series_code"])
    per = cpc / patents      # mean CPC rows per patent; 1..4 rows
    group = (f"CASE WHEN {_h('i * 7 + s', 3)} < 0.004 / {per} * 1.6 THEN "
             f"(['G06N3/045', 'G06N3/0455', 'G06N3/0475'])[1 + CAST(hash(i + s) % 3 AS INTEGER)] "
             f"WHEN {_h('i * 7 + s', 3)} < 0.02 / {per} * 1.6 THEN 'G06N3/0' || (40 + hash(i * s) % 60) "
             f"ELSE (['H04L', 'G06F', 'A61K', 'H01L', 'G06Q', 'B60W'])[1 + CAST(hash(i * 3 + s) % 6 AS INTEGER)] "
             f"|| (1 + hash(i + s * 5) % 60) || '/' || (hash(i * s + 1) % 100) END")
    _copy(con, f"WITH n AS (SELECT i, 1 + CAST(floor({_h('i', 1)} * (2 * {per} - 1)) AS INTEGER) AS k "
          f"FROM range({patents}) t(i)), r AS (SELECT i, s FROM n, range(4) u(s) WHERE s < least(k, 4)), "
          f"g AS (SELECT i, s, {group} AS cpc_group FROM r) "
          f"SELECT {pid} AS patent_id, s AS cpc_sequence, left(cpc_group, 1) AS cpc_section, "
          f"left(cpc_group, 3) AS cpc_class, left(cpc_group, 4) AS cpc_subclass, cpc_group, "
          f"CASE WHEN s = 0 THEN 'inventional' ELSE 'additional' END AS cpc_type FROM g", p["g_cpc_current"],
          ["patent_id", "cpc_section", "cpc_class", "cpc_subclass", "cpc_group", "cpc_type"])
    _copy(con, "SELECT left(g, 4) AS cpc_subclass, 'Subclass ' || left(g, 4) AS cpc_subclass_title, g AS cpc_group, "
          "CASE g WHEN 'G06N3/045' THEN 'Combinations of networks' WHEN 'G06N3/0455' THEN 'Auto-encoder networks; "
          "Encoder-decoder networks' WHEN 'G06N3/0475' THEN 'Generative networks' ELSE 'Group ' || g END "
          "AS cpc_group_title, left(g, 3) AS cpc_class, 'Class ' || left(g, 3) AS cpc_class_title FROM ("
          "SELECT unnest(['G06N3/045', 'G06N3/0455', 'G06N3/0475']) AS g UNION ALL "
          "SELECT 'G06N3/0' || x FROM range(40, 100) t(x) UNION ALL "
          "SELECT s || n || '/' || m FROM unnest(['H04L', 'G06F', 'A61K', 'H01L', 'G06Q', 'B60W']) a(s), "
          "range(1, 61) b(n), range(100) c(m))", p["g_cpc_title"],
          ["cpc_subclass", "cpc_subclass_title", "cpc_group", "cpc_group_title", "cpc_class", "cpc_class_title"])
    country = (f"CASE WHEN {_h('i', 11)} < 0.50 THEN 'US' WHEN {_h('i', 11)} < 0.65 THEN 'JP' WHEN "
               f"{_h('i', 11)} < 0.75 THEN 'CN' WHEN {_h('i', 11)} < 0.81 THEN 'KR' WHEN {_h('i', 11)} < 0.86 "
               f"THEN 'DE' ELSE (['TW', 'GB', 'FR', 'CA', 'IN', 'IL', 'CH', 'SE', 'NL', 'IT'])"
               f"[1 + CAST(hash(i) % 10 AS INTEGER)] END")
    _copy(con, f"SELECT 'loc-' || i AS location_id, 'City ' || i AS disambig_city, '' AS disambig_state, "
          f"{country} AS disambig_country, round(({_h('i', 12)} - 0.5) * 180, 4) AS latitude, "
          f"round(({_h('i', 13)} - 0.5) * 360, 4) AS longitude, '' AS county, '' AS state_fips, "
          f"'' AS county_fips FROM range(150000) t(i)", p["g_location_disambiguated"],
          ["location_id", "disambig_city", "disambig_state", "disambig_country", "county", "state_fips",
           "county_fips"])
    loc = "CASE WHEN {r} < 0.01 THEN '' ELSE 'loc-' || CAST(floor(pow({q}, 2) * 150000) AS BIGINT) END"
    _copy(con, f"WITH n AS (SELECT i, 1 + CAST(floor(pow({_h('i', 21)}, 1.6) * 6) AS INTEGER) AS k "
          f"FROM range({patents}) t(i)) SELECT {pid} AS patent_id, s AS inventor_sequence, "
          f"'inv-' || (hash(i * 7 + s) % 4000000) AS inventor_id, 'First' AS disambig_inventor_name_first, "
          f"'Last' || (hash(i + s) % 100000) AS disambig_inventor_name_last, 'M' AS gender_code, "
          f"{loc.format(r=_h('i * 7 + s', 22), q=_h('i * 13 + s', 23))} AS location_id "
          f"FROM n, range(6) u(s) WHERE s < k", p["g_inventor_disambiguated"],
          ["patent_id", "inventor_id", "disambig_inventor_name_first", "disambig_inventor_name_last", "gender_code",
           "location_id"])
    _copy(con, f"WITH n AS (SELECT i, CAST(floor({_h('i', 31)} * 2.2) AS INTEGER) AS k FROM range({patents}) t(i)) "
          f"SELECT {pid} AS patent_id, s AS assignee_sequence, "
          f"'asg-' || CAST(floor(pow({_h('i * 3 + s', 32)}, 3) * 400000) AS BIGINT) AS assignee_id, "
          f"'' AS disambig_assignee_individual_name_first, '' AS disambig_assignee_individual_name_last, "
          f"'Assignee ' || CAST(floor(pow({_h('i * 3 + s', 32)}, 3) * 400000) AS BIGINT) || ' Inc.' "
          f"AS disambig_assignee_organization, 2 AS assignee_type, "
          f"'loc-' || CAST(floor(pow({_h('i * 3 + s', 32)}, 3) * 150000) AS BIGINT) AS location_id "
          f"FROM n, range(2) u(s) WHERE s < k", p["g_assignee_disambiguated"],
          ["patent_id", "assignee_id", "disambig_assignee_individual_name_first",
           "disambig_assignee_individual_name_last", "disambig_assignee_organization", "location_id"])
    con.close()
    return p


def _csv(path: Path) -> str:
    return f"read_csv('{path}', delim='\\t', quote='\"', escape='\"', header=true, all_varchar=true)"


def plain_query(paths: dict[str, Path]) -> str:
    """One hand-written statement: the same scan, joins, filter and groupings as the recount (totals by both
    years, inventor country whole and fractional by both years, assignee with country)."""
    codes = ", ".join(f"'{c}'" for c in CODES)
    return f"""
WITH hits AS (SELECT DISTINCT patent_id FROM {_csv(paths['g_cpc_current'])} WHERE cpc_group IN ({codes})),
pat AS (SELECT p.patent_id, TRY_CAST(substr(p.patent_date, 1, 4) AS INTEGER) AS gy FROM {_csv(paths['g_patent'])} p
        WHERE p.patent_id IN (SELECT patent_id FROM hits) AND coalesce(p.withdrawn, '0') <> '1'),
app AS (SELECT a.patent_id, min(TRY_CAST(substr(a.filing_date, 1, 4) AS INTEGER)) AS fy
        FROM {_csv(paths['g_application'])} a WHERE a.patent_id IN (SELECT patent_id FROM pat) GROUP BY 1),
g AS (SELECT pat.patent_id, gy, fy FROM pat LEFT JOIN app USING (patent_id)),
loc AS (SELECT location_id, nullif(disambig_country, '') AS country FROM {_csv(paths['g_location_disambiguated'])}),
inv AS (SELECT i.patent_id, loc.country, count(*) OVER (PARTITION BY i.patent_id) AS n
        FROM {_csv(paths['g_inventor_disambiguated'])} i LEFT JOIN loc USING (location_id)
        WHERE i.patent_id IN (SELECT patent_id FROM g)),
k AS (SELECT patent_id, country, count(*) AS k, any_value(n) AS n FROM inv WHERE country IS NOT NULL GROUP BY 1, 2),
asg AS (SELECT a.assignee_id, a.disambig_assignee_organization AS name, loc.country, g.gy, a.patent_id
        FROM {_csv(paths['g_assignee_disambiguated'])} a JOIN g USING (patent_id) LEFT JOIN loc USING (location_id))
SELECT 'total_g', NULL, gy, count(*), NULL FROM g GROUP BY 3
UNION ALL SELECT 'total_f', NULL, fy, count(*), NULL FROM g GROUP BY 3
UNION ALL SELECT 'inv_g', country, gy, count(*), sum(k / n) FROM k JOIN g USING (patent_id) GROUP BY 2, 3
UNION ALL SELECT 'inv_f', country, fy, count(*), sum(k / n) FROM k JOIN g USING (patent_id) GROUP BY 2, 3
UNION ALL SELECT 'asg ' || assignee_id, country, max(gy), count(DISTINCT patent_id), NULL FROM asg GROUP BY 1, 2"""


def _step(kind: str, folder: Path) -> dict:
    """Run one measurement in this process; returns seconds, peak RSS (MB) and the GenAI total it found."""
    paths = {p.stem: p for p in folder.glob("*.tsv")}
    spill = folder / f"spill-{kind}"
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage0.ru_utime + usage0.ru_stime
    t0 = time.perf_counter()
    if kind == "recount":
        from extractors.patentsview import recount

        result = recount.recount(paths, CODES, memory_limit=MEMORY, temp_directory=spill)
        total = sum(n for b, _, n in result.totals if b == "grant_year")
    else:
        import duckdb

        con = duckdb.connect()
        con.execute(f"SET memory_limit='{MEMORY}'; SET temp_directory='{spill}'; SET preserve_insertion_order=false")
        rows = con.execute(plain_query(paths)).fetchall()
        total = sum(r[3] for r in rows if r[0] == "total_g" and r[2] is not None)
        con.close()
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    shutil.rmtree(spill, ignore_errors=True)
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime - cpu0, "peak_mb": usage.ru_maxrss / 1024,
            "genai": int(total)}


def _measure(kind: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--step", kind, "--dir", str(folder)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _size(folder: Path, patents: int, cpc: int, repeats: int) -> dict:
    t0 = time.perf_counter()
    paths = generate(folder, patents, cpc)
    rows = _count_rows(paths["g_cpc_current"])
    gen = time.perf_counter() - t0
    mb = sum(p.stat().st_size for p in paths.values()) / 2**20
    print(f"size {patents:,} patents: generated {rows:,} g_cpc_current rows, {mb:,.0f} MB of TSV in {gen:.1f} s")
    runs: dict[str, list[dict]] = {"plain": [], "recount": []}
    for _ in range(repeats):            # alternate, so both see the same load on a shared machine
        for kind in runs:
            runs[kind].append(_measure(kind, folder))
    res = {k: {"seconds": min(r["seconds"] for r in v), "cpu": min(r["cpu"] for r in v),
               "peak_mb": max(r["peak_mb"] for r in v), "genai": v[0]["genai"],
               "all": [round(r["seconds"], 1) for r in v]} for k, v in runs.items()}
    res["cpc_rows"] = rows
    return res


def _count_rows(path: Path) -> int:
    import duckdb

    return duckdb.connect().execute(f"SELECT count(*) FROM {_csv(path)}").fetchone()[0]


def _report(label: str, r: dict) -> None:
    for kind in ("plain", "recount"):
        m = r[kind]
        print(f"{label} {kind:<8} seconds {m['seconds']:.1f} (best of {m['all']})")
        print(f"{label} {kind:<8} cpu seconds {m['cpu']:.1f} (user + system, best run)")
        print(f"{label} {kind:<8} throughput {r['cpc_rows'] / m['seconds'] / 1e6:.2f} M cpc rows/s")
        print(f"{label} {kind:<8} peak RSS {m['peak_mb']:.0f} MB (limit 2048)")
        print(f"{label} {kind:<8} GenAI patents found {m['genai']:,}")
    print(f"{label} throughput ratio recount/plain {r['plain']['seconds'] / r['recount']['seconds']:.2f} "
          f"(wall clock; target >= 0.8)")
    print(f"{label} throughput ratio recount/plain {r['plain']['cpu'] / r['recount']['cpu']:.2f} (cpu time)")
    print(f"{label} recount seconds per million cpc rows {r['recount']['seconds'] / r['cpc_rows'] * 1e6:.2f}")
    print(f"{label} recount cpu seconds per million cpc rows {r['recount']['cpu'] / r['cpc_rows'] * 1e6:.2f}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patents", type=int, default=9_000_000)
    ap.add_argument("--cpc", type=int, default=20_000_000)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each query per size (best is reported)")
    ap.add_argument("--step", choices=("plain", "recount"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.step:
        print(json.dumps(_step(args.step, args.dir)))
        return
    base = args.dir or Path(tempfile.mkdtemp(prefix="atlas-patents-bench-"))
    try:
        half = _size(base / "half", args.patents // 2, args.cpc // 2, args.repeats)
        if not args.keep:
            shutil.rmtree(base / "half", ignore_errors=True)
        full = _size(base / "full", args.patents, args.cpc, args.repeats)
        _report("half", half)
        _report("full", full)
        per_half = half["recount"]["seconds"] / half["cpc_rows"]
        per_full = full["recount"]["seconds"] / full["cpc_rows"]
        print(f"scaling recount cost per row full/half {per_full / per_half:.2f} (wall clock; 1.00 = linear; "
              f"input x{full['cpc_rows'] / half['cpc_rows']:.2f}, time x"
              f"{full['recount']['seconds'] / half['recount']['seconds']:.2f})")
        cpu_half, cpu_full = half["recount"]["cpu"] / half["cpc_rows"], full["recount"]["cpu"] / full["cpc_rows"]
        print(f"scaling recount cpu per row full/half {cpu_full / cpu_half:.2f} (cpu time, less sensitive to a "
              f"shared machine; cpu x{full['recount']['cpu'] / half['recount']['cpu']:.2f})")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
