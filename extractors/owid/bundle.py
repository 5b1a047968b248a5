"""The first snapshot version of ``owid``, from real recorded responses (no network):

    python -m extractors.owid.bundle [--sources DIR]

The ``bundled`` charts of ``settings.yaml`` (global-investment-in-generative-ai,
private-investment-in-artificial-intelligence): their ``.csv`` and ``.metadata.json`` as recorded by
adrimrtnz/vd-streamlit-app @ c6bb7d4 (OWID data packages downloaded on 2025-05-25, the metadata's
``dateDownloaded``; requested with long column names), copied byte for byte from ``tests/fixtures/live/owid/``
into ``sources/owid/2026-12-05/`` by :func:`extractors.core.snapshot_writer.write_version`, which pins it. Each
file's entry names the chart URL that answers it. The data packages' readme.md files state no licence and are
not bundled (they stay in the test fixtures as the evidence ``settings.yaml`` cites). Writing never replaces a
version: run again, it writes ``2026-12-05.2``.
"""
from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from extractors.core.snapshot_writer import RecordedFile, write_version
from extractors.core.snapshots import PROJECT_ROOT, sources_dir
from extractors.owid import config, grapher

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "live" / "owid"
RECORDER = "adrimrtnz__vd-streamlit-app__"
ACCESSED = datetime(2026, 12, 5, tzinfo=timezone.utc)
LONG_NAMES = {"v": "1", "csvType": "full", "useColumnShortNames": "false"}
ORIGIN = ("First version: the responses of two AI charts as recorded by adrimrtnz/vd-streamlit-app @ c6bb7d4 "
          "(OWID chart data packages downloaded 2025-05-25, long column names), copied byte for byte by "
          "`python -m extractors.owid.bundle`; later versions are fetched by `atlas fetch owid` from the grapher "
          "chart API (/grapher/<slug>.csv and .metadata.json, v=1, csvType=full, useColumnShortNames=true).")
NOTE = ("recorded by adrimrtnz/vd-streamlit-app @ c6bb7d4 (data/{slug}/{file}), a member of the chart's data "
        "package (/grapher/{slug}.zip with the same parameters); dateDownloaded {day} per the metadata; bytes "
        "unchanged")


def recorded_files(fixtures: Path = FIXTURES) -> list[RecordedFile]:
    """The bundled charts' two files each, with the URL and parameters that answer them and their provenance.
    Raises OSError when a fixture is missing, FetchError / SchemaDrift when a pair does not agree."""
    files = []
    for chart in (c for c in config.load().charts if c.bundled):
        meta_body = (fixtures / (RECORDER + chart.metadata_name)).read_bytes()
        csv_body = (fixtures / (RECORDER + chart.csv_name)).read_bytes()
        urls = {n: f"https://ourworldindata.org/grapher/{n}?{urlencode(LONG_NAMES)}"
                for n in (chart.csv_name, chart.metadata_name)}
        metadata = grapher.read_metadata(meta_body, urls[chart.metadata_name])
        grapher.columns(csv_body, metadata, urls[chart.csv_name])
        day = metadata["dateDownloaded"]
        updated = {str(k): v for k, v in grapher.last_updated(metadata).items()}
        for name, body, media, extra in ((chart.metadata_name, meta_body, "application/json",
                                          {"owid_last_updated": updated}),
                                         (chart.csv_name, csv_body, "text/csv", {})):
            files.append(RecordedFile(name=name, body=body, url=urls[name], params=dict(LONG_NAMES), status=200,
                                      media_type=media, retrieved_at=day, extra=extra,
                                      note=NOTE.format(slug=chart.slug, file=name, day=day)))
    return files


def main(argv: list[str] | None = None) -> Path:
    """Write the first version (see module docstring); returns its folder."""
    from extractors.owid import SOURCE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=None, help="sources folder (default: ATLAS_SOURCES_DIR "
                        "or the project's sources/)")
    args = parser.parse_args(argv)
    meta = {**SOURCE.meta(), "origin": ORIGIN}
    path = write_version(config.SOURCE_ID, recorded_files(), meta, accessed=ACCESSED,
                         folder=args.sources or sources_dir())
    print(path)
    return path


if __name__ == "__main__":
    main()
