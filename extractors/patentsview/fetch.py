"""Fetching the ``patentsview`` source: the ODP product metadata, then only the data files that changed.

1. **Key.** No API key (:func:`extractors.patentsview.config.api_key`) -> :class:`NotConfigured` ("no API key
   configured ..."): the fetch DAG's task is skipped, the attempt is recorded, a build goes on without the source.
2. **Metadata** (does not count against the quota): ``GET /api/v1/datasets/products/PVGPATDIS`` with header
   ``X-Api-Key``, retried like any request of the fetch layer. ``bulkDataProductBag[0].productFileBag.fileDataBag``
   must list every file of ``settings.yaml`` with ``fileName``, ``fileSize`` and ``fileReleaseDate``; a missing
   key or file is SchemaDrift naming it. The answer is kept as ``product.json``.
3. **Change.** A file whose ``fileReleaseDate`` and ``fileSize`` equal the pinned version's entry (and whose bytes
   are in the cache) is carried over without a request. Nothing changed -> None (no version written).
4. **Quota**, before any download: a file with 20 downloads by this key in the last 365 days (the ledger,
   :mod:`extractors.patentsview.ledger`) -> QuotaExceeded, nothing downloaded, nothing written.
5. **Download**, each changed file once (:func:`extractors.core.download.download`: streamed to disk, never
   retried; entered in the ledger first), from its ``fileDownloadURI`` (path kept on the base URL in use), checked
   as a readable zip (CRC of every member), moved into the cache by sha256 and recorded with ``store: cache``,
   ``file_release_date`` and ``file_size`` as ODP published them. A failure raises FetchError; the cache keeps only
   complete files and the pinned version stays as it was.

:func:`fingerprint` judges ``product.json`` on the tracked files' (name, release date, size) only.
"""
from __future__ import annotations

import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from extractors.core import cache
from extractors.core.download import download
from extractors.core.fetch import Fetcher, FetchError, NotConfigured, SchemaDrift
from extractors.core.snapshot_writer import RecordedFile, cached_file
from extractors.core.snapshots import Snapshot
from extractors.patentsview import config, ledger
from extractors.patentsview.config import SOURCE_ID

PRODUCT_FILE = "product.json"
_KEYS = ("fileName", "fileSize", "fileReleaseDate")


def fingerprint(name: str, body: bytes) -> bytes:
    """``product.json``: the tracked files' (fileName, fileReleaseDate, fileSize), sorted; other files as is."""
    if name != PRODUCT_FILE:
        return body
    try:
        listed = file_list(json.loads(body), "")
    except (ValueError, FetchError):
        return body
    wanted = set(config.load().files)
    return json.dumps(sorted((n, f["fileReleaseDate"], f["fileSize"]) for n, f in listed.items()
                             if n in wanted)).encode()


def file_list(product: object, url: str) -> dict[str, dict]:
    """{fileName: its fileDataBag entry} of an ODP product answer. Raises SchemaDrift naming the missing key."""
    try:
        bag = product["bulkDataProductBag"][0]["productFileBag"]["fileDataBag"]
    except (KeyError, IndexError, TypeError) as exc:
        raise SchemaDrift(SOURCE_ID, url, f"product metadata lacks bulkDataProductBag[0].productFileBag."
                          f"fileDataBag ({exc!r})") from exc
    out = {}
    for i, entry in enumerate(bag):
        missing = [k for k in _KEYS if not isinstance(entry, dict) or entry.get(k) in (None, "")]
        if missing:
            raise SchemaDrift(SOURCE_ID, url, f"fileDataBag[{i}] lacks {', '.join(missing)}")
        out[str(entry["fileName"])] = entry
    return out


def _unchanged(previous: Snapshot | None, name: str, published: dict) -> dict | None:
    entry = previous.file_entry(name) if previous is not None else None
    if entry is None or not cache.is_cached(entry) or not cache.path_of(entry["sha256"]).is_file():
        return None
    same = (str(entry.get("file_release_date")) == str(published["fileReleaseDate"])
            and int(entry.get("file_size", -1)) == int(published["fileSize"]))
    return entry if same else None


def _carry(entry: dict) -> RecordedFile:
    keep = ("params", "status", "etag", "last_modified", "media_type", "retrieved_at", "note")
    extra = {k: entry[k] for k in ("file_release_date", "file_size", "product") if k in entry}
    return cached_file(entry["name"], entry["sha256"], int(entry["size_bytes"]), entry.get("url", ""),
                       extra=extra, **{k: entry.get(k) for k in keep})


def download_url(fetcher: Fetcher, settings: config.Settings, published: dict) -> str:
    """The file's ``fileDownloadURI`` with its path on the base URL in use (ATLAS_PATENTSVIEW_URL keeps paths);
    the documented ``/api/v1/datasets/products/files/<product>/<fileName>`` when ODP gives no URI."""
    uri = published.get("fileDownloadURI") or ""
    parts = urlsplit(uri)
    path = parts.path or f"/api/v1/datasets/products/files/{settings.product}/{published['fileName']}"
    return fetcher.url(path + (f"?{parts.query}" if parts.query else ""))


def fetch(fetcher: Fetcher, previous: Snapshot | None, settings: config.Settings | None = None,
          now: datetime | None = None) -> list[RecordedFile] | None:
    """The complete file set of a new version, or None when no tracked file changed (see module docstring).
    Raises NotConfigured (no key), FetchError / SchemaDrift (metadata), QuotaExceeded, FetchError (download)."""
    settings = settings or config.load()
    now = now or datetime.now(timezone.utc)
    product_url = fetcher.url(settings.product_path)
    key = config.api_key(settings)
    if not key:
        raise NotConfigured(SOURCE_ID, product_url, f"no API key configured: set {settings.api_key_variable} or "
                            f"the password of the Airflow connection {settings.airflow_connection!r}; the source "
                            "is skipped and the build goes on without it")
    headers = {settings.api_key_header: key}
    answer = fetcher.get(settings.product_path, headers=headers)
    listed = file_list(answer.json(), answer.url)
    missing = [n for n in settings.files if n not in listed]
    if missing:
        raise SchemaDrift(SOURCE_ID, answer.url, f"product {settings.product} lists no {', '.join(missing)}")
    kept = {n: _unchanged(previous, n, listed[n]) for n in settings.files}
    todo = [n for n in settings.files if kept[n] is None]
    if not todo and previous is not None:
        return None
    key_id = config.key_fingerprint(key)
    for name in todo:
        ledger.check(download_url(fetcher, settings, listed[name]), key_id, name, now,
                     settings.downloads_per_file, settings.window_days)
    files = [answer.record(PRODUCT_FILE, note=f"ODP product metadata of {settings.product} (the API key is "
                           "sent as a header and never recorded)")]
    files += [_carry(kept[n]) for n in settings.files if kept[n] is not None]
    files += [_download(fetcher, settings, listed[n], headers, key_id, now) for n in todo]
    return files


def _download(fetcher: Fetcher, settings: config.Settings, published: dict, headers: dict, key_id: str,
              now: datetime) -> RecordedFile:
    name = str(published["fileName"])
    url = download_url(fetcher, settings, published)
    ledger.enter(key_id, name, now)
    part = cache.staging_dir() / f"{name}.{now.strftime('%Y%m%dT%H%M%S')}.partial"
    answer = download(fetcher, url, part, headers=headers)
    _check_zip(part, url)
    sha, size, _ = cache.put(part)
    return cached_file(name, sha, size, answer.url, status=answer.status, etag=answer.etag,
                       last_modified=answer.last_modified, media_type="application/zip",
                       retrieved_at=answer.retrieved_at,
                       note=f"downloaded once from {settings.product}; bytes in the cache (sha256)",
                       extra={"file_release_date": str(published["fileReleaseDate"]),
                              "file_size": int(published["fileSize"]), "product": settings.product})


def _check_zip(path: Path, url: str) -> None:
    """FetchError (and the file deleted) unless ``path`` is a zip whose members all pass their CRC check."""
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        path.unlink(missing_ok=True)
        raise FetchError(SOURCE_ID, url, f"downloaded file is not a readable zip ({exc}); not retried") from exc
    if bad is not None:
        path.unlink(missing_ok=True)
        raise FetchError(SOURCE_ID, url, f"member {bad} of the downloaded zip fails its CRC check; not retried")
