"""Fetching AGORA from Zenodo: the newest version of the record, then (only when it changed) ``agora.zip``.

1. ``GET /api/records/<record_id>/versions/latest``: Zenodo answers 301 to the newest version of the record; the
   Fetcher follows it itself, checking the allow-list (zenodo.org). The record JSON names ``id``, ``revision``
   and ``files[]`` (``key``, ``size``, ``checksum`` "md5:...", ``links.self``: the content URL). Both shapes
   Zenodo has served have these keys: the current one (``/api/records/<id>/files/<key>/content`` links) and the
   pre-2023 one (``is_last`` the string "True", ``/api/files/<bucket>/<key>`` links), so either is followed;
   a record without the file or one of the keys is SchemaDrift naming the key.
2. The change probe: ``id``, ``revision`` and the file's checksum equal to those of the previous version's
   ``record.json`` -> nothing changed, return None (no download). A conditional request is not used for it:
   Zenodo's ETag is the revision number (``W/"8"``), which a new version of the record can share with the old.
3. Otherwise the record is kept as ``record.json``; when only the record changed (same checksum) the members are
   carried over from the previous version (when it has them all); else ``agora.zip`` is downloaded (refused over
   ``max_file_bytes``, from the record's ``size`` and while reading), its bytes checked against the record's
   checksum (a mismatch is a FetchError), opened with zipfile, and only the members listed in the settings kept,
   byte for byte, each with a note naming the archive, its checksum and the record. A missing member or a CSV
   whose header lacks a column the extraction reads is SchemaDrift naming source, URL and column; nothing is
   written then.

Collections (``collections.csv``) and full texts are not kept: the extraction does not read them (collection
names are in documents.csv), and AGORA's full texts are non-commercial.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass

from extractors.core.fetch import Fetcher, FetchError, Response, SchemaDrift
from extractors.core.snapshot_writer import RecordedFile
from extractors.core.snapshots import Snapshot

from extractors.agora import config, tables
from extractors.agora.config import SOURCE_ID

RECORD_FILE = "record.json"
VOLATILE_KEYS = ("stats",)       # Zenodo's download and view counters change without the record changing


@dataclass(frozen=True)
class RecordFile:
    """What a Zenodo record says about one of its files. ``checksum`` as printed ("md5:..."), ``size`` in bytes."""

    record_id: int
    revision: int
    key: str
    size: int | None
    checksum: str
    url: str

    def probe(self) -> tuple[int, int, str]:
        """What the change probe compares: record id, revision and the file's checksum."""
        return self.record_id, self.revision, self.checksum


def _need(mapping: object, key: str, where: str, url: str) -> object:
    if not isinstance(mapping, dict) or mapping.get(key) in (None, ""):
        raise SchemaDrift(SOURCE_ID, url, f"the Zenodo record has no {where}{key!r}")
    return mapping[key]


def record_file(record: object, name: str, url: str) -> RecordFile:
    """The entry of file ``name`` in a Zenodo record (either JSON shape, see module docstring).
    Raises SchemaDrift naming ``url`` and the missing key, or the file names the record has."""
    record_id = _need(record, "id", "", url)
    revision = _need(record, "revision", "", url)
    files = _need(record, "files", "", url)
    entry = next((f for f in files if isinstance(f, dict) and f.get("key") == name), None) \
        if isinstance(files, list) else None
    if entry is None:
        keys = [f.get("key") for f in files if isinstance(f, dict)] if isinstance(files, list) else []
        raise SchemaDrift(SOURCE_ID, url, f"the Zenodo record {record_id} has no file {name!r} in 'files' "
                          f"(it has: {', '.join(map(str, keys)) or 'none'})")
    checksum = str(_need(entry, "checksum", f"files[{name}].", url))
    link = _need(_need(entry, "links", f"files[{name}].", url), "self", f"files[{name}].links.", url)
    size = entry.get("size")
    try:
        return RecordFile(int(record_id), int(revision), name, int(size) if size is not None else None, checksum,
                          str(link))
    except (TypeError, ValueError) as exc:
        raise SchemaDrift(SOURCE_ID, url, f"the Zenodo record's id, revision or size is not a number ({exc})") \
            from exc


def fingerprint(name: str, body: bytes) -> bytes:
    """What decides whether ``name`` changed: the record JSON without its view and download counters (keys in
    :data:`VOLATILE_KEYS`, serialised with sorted keys); any other file byte for byte."""
    if name != RECORD_FILE:
        return body
    try:
        record = json.loads(body)
    except ValueError:
        return body
    if isinstance(record, dict):
        record = {k: v for k, v in record.items() if k not in VOLATILE_KEYS}
    return json.dumps(record, sort_keys=True, ensure_ascii=False).encode()


def _previous_probe(previous: Snapshot | None, name: str) -> tuple[int, int, str] | None:
    """The probe values of the previous version's record.json; None for no version or a bundled one without it."""
    if previous is None or previous.file_entry(RECORD_FILE) is None:
        return None
    entry = previous.file_entry(RECORD_FILE)
    try:
        record = json.loads(previous.file(RECORD_FILE).read_bytes())
        return record_file(record, name, entry.get("url") or RECORD_FILE).probe()
    except (ValueError, FetchError):
        return None


def verify_checksum(body: bytes, checksum: str, url: str) -> None:
    """Raise FetchError when ``body`` does not have ``checksum`` ("md5:<hex>"; any hashlib algorithm name)."""
    algorithm, _, expected = checksum.partition(":")
    try:
        actual = hashlib.new(algorithm, body).hexdigest()
    except ValueError as exc:
        raise SchemaDrift(SOURCE_ID, url, f"checksum {checksum!r} names no known algorithm") from exc
    if actual != expected.lower():
        raise FetchError(SOURCE_ID, url, f"downloaded {len(body)} bytes have {algorithm} {actual}, the record says "
                         f"{expected}: the download is corrupt or the record is stale; nothing kept")


def members(resp: Response, rf: RecordFile, settings: config.Settings) -> list[RecordedFile]:
    """The kept members of the downloaded ZIP as recorded files (see module docstring); checks each CSV header.
    Raises FetchError (not a ZIP, a member over the cap) or SchemaDrift (a member or column missing)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(resp.body))
    except zipfile.BadZipFile as exc:
        raise FetchError(SOURCE_ID, resp.url, f"{rf.key} is not a ZIP archive ({exc})") from exc
    out = []
    with archive:
        for name, required in settings.members.items():
            try:
                info = archive.getinfo(name)
            except KeyError:
                raise SchemaDrift(SOURCE_ID, resp.url, f"{rf.key} has no member {name!r}") from None
            if info.file_size > settings.max_member_bytes:
                raise FetchError(SOURCE_ID, resp.url, f"member {name} of {rf.key} unpacks to {info.file_size} "
                                 f"bytes, over the {settings.max_member_bytes}-byte cap")
            try:
                body = archive.read(info)
            except (zipfile.BadZipFile, zlib.error) as exc:
                raise FetchError(SOURCE_ID, resp.url, f"member {name} of {rf.key} cannot be unpacked ({exc})") \
                    from exc
            tables.check_columns(name, body, resp.url, required)
            note = f"member of {rf.key} {rf.checksum}, Zenodo record {rf.record_id} revision {rf.revision}"
            out.append(RecordedFile(name=name, body=body, url=resp.url, status=resp.status, media_type="text/csv",
                                    retrieved_at=resp.retrieved_at, note=note))
    return out


def carried_over(previous: Snapshot, rf: RecordFile, settings: config.Settings) -> list[RecordedFile]:
    """The previous version's members, unchanged (same checksum in a new revision of the record), as status 304
    with the previous provenance and a note saying so."""
    out = []
    for name in settings.members:
        entry = previous.file_entry(name) or {}
        body = previous.file(name).read_bytes()
        out.append(RecordedFile(name=name, body=body, url=entry.get("url") or rf.url, status=304,
                                media_type=entry.get("media_type"), retrieved_at=entry.get("retrieved_at"),
                                note=f"{entry.get('note')}; carried over from version {previous.version}: "
                                     f"record {rf.record_id} revision {rf.revision} has the same {rf.checksum}"))
    return out


def fetch(fetcher: Fetcher, previous: Snapshot | None) -> list[RecordedFile] | None:
    """The files of a new AGORA version (``record.json`` and the kept members), or None when the change probe
    says the newest record is the one the previous version recorded. Raises FetchError, SchemaDrift (see module
    docstring), QuotaExceeded and TransientFetchError as the Fetcher does."""
    settings = config.load()
    resp = fetcher.get(f"/api/records/{settings.record_id}/versions/latest")
    rf = record_file(resp.json(), settings.file, resp.url)
    before = _previous_probe(previous, settings.file)
    if before == rf.probe():
        return None
    record = resp.record(RECORD_FILE, note=f"Zenodo record {rf.record_id} revision {rf.revision}, the newest "
                                           f"version of record {settings.record_id}")
    if before is not None and before[2] == rf.checksum and previous is not None \
            and all(previous.file_entry(name) for name in settings.members):
        return [record, *carried_over(previous, rf, settings)]
    if rf.size is not None and rf.size > settings.max_file_bytes:
        raise FetchError(SOURCE_ID, rf.url, f"the record gives {rf.key} {rf.size} bytes, over the "
                         f"{settings.max_file_bytes}-byte cap; not downloaded")
    archive = fetcher.get(rf.url, max_bytes=settings.max_file_bytes)
    verify_checksum(archive.body, rf.checksum, archive.url)
    return [record, *members(archive, rf, settings)]
