"""Fetching the ``owid`` source: two files per chart listed in ``settings.yaml``, checked before they are kept.

Per chart, with the settings' ``params`` (``v=1&csvType=full&useColumnShortNames=true``):

1. ``GET /grapher/<slug>.metadata.json``, conditional on the previous version's ETag / Last-Modified for the
   same request; a 304 carries the previous bytes over (status 304 in ``origin.yaml``). The metadata is checked
   (valid JSON, a ``columns`` mapping, an ``owidVariableId`` and ``shortName`` per column: FetchError /
   SchemaDrift otherwise) and its ``lastUpdated`` per variable is written into its ``files:`` entry.
2. ``GET /grapher/<slug>.csv`` — unless the previous version has that CSV for the same request and every
   column's (``owidVariableId``, ``lastUpdated``) is unchanged: OWID publishes revised data as a new dataset
   version with a new ``lastUpdated`` (and usually new variable ids), so the previous bytes and their
   provenance are carried over without a request. Otherwise conditional as above (304 carries the bytes over).
3. The CSV's header must map onto the metadata (``Entity``, ``Code``, ``Year`` and one metadata column per
   indicator column, by key or ``shortName``): SchemaDrift naming the column otherwise, so a broken or renamed
   response never becomes a snapshot.

:func:`fetch` returns None (nothing changed, no version written) when every metadata answered 304 and no CSV
was downloaded. A listed chart that was never recorded and answers HTTP 404 is skipped with a warning (the
settings list charts before their first fetch); a recorded chart that answers 404 fails the fetch.
:func:`fingerprint` drops the metadata's ``dateDownloaded`` (the day of each request), so a refresh that only
changed that writes no version.
"""
from __future__ import annotations

import dataclasses
import logging

from extractors.core.fetch import Fetcher, FetchError, Response, TransientFetchError
from extractors.core.snapshot_writer import RecordedFile
from extractors.core.snapshots import Snapshot
from extractors.owid import config, grapher
from extractors.owid.config import SOURCE_ID, Chart

log = logging.getLogger(__name__)

_PROVENANCE = ("url", "params", "status", "etag", "last_modified", "media_type", "retrieved_at", "note")


def fingerprint(name: str, body: bytes) -> bytes:
    """What a file's change is judged on: a metadata.json without ``dateDownloaded``; any other file as is."""
    return grapher.stable_metadata(body) if name.endswith(".metadata.json") else body


def fetch(fetcher: Fetcher, previous: Snapshot | None,
          settings: config.Settings | None = None) -> list[RecordedFile] | None:
    """The complete set of files of every listed chart (``<slug>.metadata.json`` and ``<slug>.csv``), or None
    when the change probe shows nothing changed (see module docstring). Raises FetchError (HTTP errors, a body
    over the size cap, invalid JSON, no chart answering), SchemaDrift (field named) and QuotaExceeded."""
    settings = settings or config.load()
    files: list[RecordedFile] = []
    fresh = False
    for chart in settings.charts:
        got = _chart(fetcher, chart, settings.params, previous)
        if got is not None:
            files += got[0]
            fresh = fresh or got[1]
    if not files:
        raise FetchError(SOURCE_ID, fetcher.url("/grapher/"), "no listed chart answered (each one HTTP 404)")
    if previous is not None and not fresh and {f.name for f in files} == {f["name"] for f in previous.files}:
        return None
    return files


def _comparable(previous: Snapshot | None, name: str, params: dict) -> dict | None:
    """The previous version's entry of ``name`` when it answered the same request (same parameters)."""
    entry = previous.file_entry(name) if previous is not None else None
    return entry if entry is not None and dict(entry.get("params") or {}) == params else None


def _validators(entry: dict | None) -> dict:
    return {"etag": entry.get("etag"), "last_modified": entry.get("last_modified")} if entry else {}


def _is_404(exc: FetchError) -> bool:
    return not isinstance(exc, TransientFetchError) and exc.cause.startswith("HTTP 404")


def _carry(previous: Snapshot | None, entry: dict | None, answer: Response | None, url: str) -> RecordedFile:
    """The previous version's bytes of ``entry``: after the 304 ``answer`` (status 304, its time and
    validators), or, with no answer, with the entry's own provenance (not requested again)."""
    if previous is None or entry is None:
        raise FetchError(SOURCE_ID, url, "HTTP 304 Not Modified without a previous version to carry over")
    body = previous.file(entry["name"]).read_bytes()
    extra = {k: v for k, v in entry.items() if k not in (*_PROVENANCE, "name", "sha256", "size_bytes")}
    if answer is None:
        return RecordedFile(name=entry["name"], body=body, extra=extra, **{k: entry.get(k) for k in _PROVENANCE})
    return RecordedFile(name=entry["name"], body=body, url=answer.url, params=answer.params, status=304,
                        etag=answer.etag or entry.get("etag"),
                        last_modified=answer.last_modified or entry.get("last_modified"),
                        media_type=entry.get("media_type"), retrieved_at=answer.retrieved_at,
                        note=f"304 Not Modified: the bytes of version {previous.version}", extra=extra)


def _metadata(fetcher: Fetcher, chart: Chart, params: dict, previous: Snapshot | None):
    """(recorded file, parsed metadata, fresh) of a chart's metadata, or None for a 404 of a never-recorded
    chart."""
    entry = _comparable(previous, chart.metadata_name, params)
    path = f"/grapher/{chart.metadata_name}"
    try:
        answer = fetcher.get(path, params, **_validators(entry))
    except FetchError as exc:
        if _is_404(exc) and (previous is None or previous.file_entry(chart.metadata_name) is None):
            log.warning("owid: chart %s answered HTTP 404 and was never recorded; skipped (%s)", chart.slug, exc)
            return None
        raise
    if answer.not_modified:
        recorded = _carry(previous, entry, answer, answer.url)
    else:
        recorded = answer.record(chart.metadata_name)
    metadata = grapher.read_metadata(recorded.body, answer.url)
    if not answer.not_modified:
        updated = {str(k): v for k, v in grapher.last_updated(metadata).items()}
        recorded = dataclasses.replace(recorded, extra={**recorded.extra, "owid_last_updated": updated})
    return recorded, metadata, not answer.not_modified


def _csv(fetcher: Fetcher, chart: Chart, params: dict, previous: Snapshot | None, metadata: dict):
    """(recorded file, fresh) of a chart's CSV: carried over when lastUpdated is unchanged, else requested."""
    entry = _comparable(previous, chart.csv_name, params)
    before = _comparable(previous, chart.metadata_name, params)
    if entry is not None and before is not None:
        old = grapher.read_metadata(previous.file(chart.metadata_name).read_bytes(), before["url"])
        if grapher.last_updated(old) == grapher.last_updated(metadata):
            return _carry(previous, entry, None, entry["url"]), False
    answer = fetcher.get(f"/grapher/{chart.csv_name}", params, **_validators(entry))
    if answer.not_modified:
        return _carry(previous, entry, answer, answer.url), False
    return answer.record(chart.csv_name), True


def _chart(fetcher: Fetcher, chart: Chart, params: dict, previous: Snapshot | None):
    """([metadata file, CSV file], fresh) of one chart after checking that the pair agrees; None when skipped."""
    got = _metadata(fetcher, chart, params, previous)
    if got is None:
        return None
    meta_file, metadata, meta_fresh = got
    csv_file, csv_fresh = _csv(fetcher, chart, params, previous, metadata)
    grapher.columns(csv_file.body, metadata, csv_file.url)
    return [meta_file, csv_file], meta_fresh or csv_fresh
