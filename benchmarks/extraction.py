"""Benchmark: time each pipeline step on the bundled sources (prints figures; asserts nothing).

Usage: .venv/bin/python benchmarks/extraction.py [repeats]
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _time(fn, repeats: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), min(runs)


def main(repeats: int = 5) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    os.environ["ATLAS_WORK_DIR"] = str(tmp / "work")
    os.environ["ATLAS_RELEASES_DIR"] = str(tmp / "releases")
    from extractors.report_text import extract
    from extractors.core import snapshots
    from warehouse import pipeline

    snaps = snapshots.verify_all()
    print(f"{'step':<34}{'median s':>10}{'min s':>10}")
    med, best = _time(snapshots.verify_all, repeats)
    print(f"{'verify 5 snapshots':<34}{med:>10.3f}{best:>10.3f}")
    for snap in snaps:
        med, best = _time(lambda s=snap: extract.extract_source(s), repeats)
        print(f"{'extract ' + snap.source_id[:25]:<34}{med:>10.3f}{best:>10.3f}")
    dirs = [pipeline.extract(s.source_id, "bench") for s in snaps]
    med, best = _time(lambda: pipeline.combine(dirs, "bench"), repeats)
    print(f"{'combine (concatenate, sort)':<34}{med:>10.3f}{best:>10.3f}")
    combined = pipeline.combine(dirs, "bench")
    med, best = _time(lambda: pipeline.resolve(combined, "bench"), repeats)
    print(f"{'resolve (mentions -> policies)':<34}{med:>10.3f}{best:>10.3f}")
    tables = pipeline.resolve(combined, "bench")
    med, best = _time(lambda: pipeline.validate(tables, "bench"), max(1, repeats // 2))
    print(f"{'validate (GX suites)':<34}{med:>10.3f}{best:>10.3f}")
    validation = pipeline.validate(tables, "bench")
    t0 = time.perf_counter()
    pipeline.publish(tables, validation)
    print(f"{'publish (Parquet, DuckDB, manifest)':<34}{time.perf_counter() - t0:>10.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
