"""Fetching tw_law: the tracked laws' records out of the MOJ Open API's whole-database dumps.

The MOJ Open API serves no per-law record: only whole-database dumps, one ZIP per kind (settings ``dumps``:
``GET /api/Ch/Law/JSON`` -> ChLaw.json.zip, the 法律; ``GET /api/Ch/Order/JSON`` -> ChOrder.json.zip, the 命令),
each holding one JSON file that starts with a byte-order mark, ``{"UpdateDate": ..., "Laws": [...]}``, cut weekly.
A dump is tens of MB, too large to keep; a version keeps, per tracked law, its object of ``Laws`` byte for byte as
``laws/<pcode>.json`` (:mod:`extractors.tw_law.dump`), with the dump's URL, HTTP status, ETag / Last-Modified and
retrieval time, and in the file's entry the dump (``dump``), its member and the member's sha256, its
``UpdateDate`` as printed and the law's index in ``Laws``.

Per dump that holds a tracked law (settings ``laws``, ``dump``):

1. The change probe. When the previous version holds every law tracked in that dump, the request is conditional
   on its ETag / Last-Modified: a 304 carries those files over (status 304). When the download's ``UpdateDate``
   is the one the previous files record, the dump is the one already read: the files are carried over too.
   When every dump is unchanged this way and the tracked set is the previous one, the fetch returns None.
2. Otherwise the ZIP (refused over the dump's ``max_bytes``, before and while downloading) is opened, its member
   (cap ``max_member_bytes``) walked, and each tracked law kept: by pcode; a law wanted by name (``pcode: null``)
   is the one whose ``LawName`` equals it (a repealed namesake is skipped; two live ones are an error), and its
   absence is only logged (it is looked for again next time). A tracked pcode absent from the dump, a law lacking
   a key of ``law_keys``, a missing member or top-level key are errors naming source, URL and field: nothing is
   written then.

:func:`fingerprint` compares a law record by its content (the JSON parsed, keys sorted), so a dump re-serialised
with other whitespace, or the bundled version's re-indented copies, are not a change.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from extractors.core.fetch import Fetcher, FetchError, Response
from extractors.core.snapshot_writer import RecordedFile
from extractors.core.snapshots import Snapshot

from extractors.tw_law import config, dump
from extractors.tw_law.config import SOURCE_ID, Dump, Settings, Tracked
from extractors.tw_law.extract import LAW_FILE

log = logging.getLogger(__name__)

EXTRA_KEYS = ("dump", "member", "member_sha256", "update_date", "laws_index")
CARRIED = "; carried over"


def file_name(pcode: str) -> str:
    return f"laws/{pcode}.json"


@dataclass(frozen=True)
class Held:
    """A law the previous version holds: its file name, LawName and files entry."""

    name: str
    law_name: str
    entry: dict


def held(previous: Snapshot | None) -> dict[str, Held]:
    """{pcode: Held} of the previous version's law files; {} without one."""
    out = {}
    for entry in previous.files if previous else ():
        m = LAW_FILE.match(entry["name"])
        if m:
            law = json.loads(previous.file(entry["name"]).read_bytes().decode("utf-8-sig"))
            out[m["pcode"]] = Held(entry["name"], str(law.get("LawName", "")), entry)
    return out


def covered(wanted: list[Tracked], have: dict[str, Held]) -> list[Held] | None:
    """The previous files of the laws ``wanted`` from one dump, when the previous version holds them all."""
    by_name = {h.law_name: h for h in have.values()}
    found = [have.get(t.pcode) if t.pcode else by_name.get(t.name) for t in wanted]
    return None if any(h is None for h in found) else list({h.name: h for h in found}.values())


def carried(previous: Snapshot, h: Held, why: str, *, status: int | None = None, etag: str | None = None,
            last_modified: str | None = None) -> RecordedFile:
    """The previous version's file ``h`` unchanged, with its provenance and a note saying why it was kept;
    ``etag`` / ``last_modified``: the validators of the answer that confirmed it (the next probe sends them)."""
    e = h.entry
    note = str(e.get("note") or "").split(CARRIED, 1)[0]
    return RecordedFile(name=h.name, body=previous.file(h.name).read_bytes(), url=e.get("url", ""),
                        params=e.get("params"), status=status or int(e.get("status", 200)),
                        etag=etag or e.get("etag"), last_modified=last_modified or e.get("last_modified"),
                        media_type=e.get("media_type"), retrieved_at=e.get("retrieved_at"),
                        note=f"{note}{CARRIED} from version {previous.version}: {why}",
                        extra={k: e[k] for k in EXTRA_KEYS if k in e})


def _pick(t: Tracked, hits: list[dump.Law], url: str, update_date: str) -> dump.Law | None:
    if t.pcode:
        if not hits:
            raise FetchError(SOURCE_ID, url, f"tracked law {t.pcode} ({t.name}) is not in the dump of UpdateDate "
                             f"{update_date}; settings.yaml laws names a pcode the database does not have")
        return hits[0]
    live = [h for h in hits if not str(h.data.get("LawAbandonNote", "")).strip()]
    if len(live) > 1:
        raise FetchError(SOURCE_ID, url, f"{len(live)} laws are named {t.name} ({', '.join(h.pcode for h in live)})"
                         f"; settings.yaml laws must give its pcode")
    if not live:
        log.info("tw_law: no law named %s in the dump of UpdateDate %s yet", t.name, update_date)
    return live[0] if live else None


def records(resp: Response, member: dump.Member, d: Dump, wanted: list[Tracked],
            settings: Settings) -> list[RecordedFile]:
    """The tracked laws of a downloaded dump (its ``member`` read) as recorded files (see module docstring).
    Raises FetchError / SchemaDrift."""
    pcodes, names = {t.pcode for t in wanted if t.pcode}, {t.name for t in wanted if not t.pcode}
    hits: dict[str, list[dump.Law]] = {}
    for law in dump.laws(member, settings.law_keys):
        for key in (law.pcode, law.data.get("LawName")):
            if key in pcodes or key in names:
                hits.setdefault(key, []).append(law)
    files: dict[str, RecordedFile] = {}
    for t in wanted:
        law = _pick(t, hits.get(t.pcode or t.name, []), resp.url, member.update_date)
        if law is None or file_name(law.pcode) in files:
            continue
        dump.check_keys(law.data, settings.law_keys, f"Laws[{law.index}] ({law.pcode})", resp.url)
        how = "" if t.pcode else f", found by its LawName {t.name} (settings.yaml gives no pcode)"
        files[file_name(law.pcode)] = RecordedFile(
            name=file_name(law.pcode), body=law.body, url=resp.url, status=resp.status, etag=resp.etag,
            last_modified=resp.last_modified, media_type="application/json", retrieved_at=resp.retrieved_at,
            note=f"law {law.pcode} ({law.data.get('LawName')}){how}: the object Laws[{law.index}] of member "
                 f"{d.member} (sha256 {member.sha256}, UpdateDate {member.update_date}) of the {d.name} dump, "
                 "byte for byte",
            extra={"dump": d.name, "member": d.member, "member_sha256": member.sha256,
                   "update_date": member.update_date, "laws_index": law.index})
    log.info("tw_law: %s dump of UpdateDate %s: %d of %d tracked laws", d.name, member.update_date, len(files),
             len(wanted))
    return list(files.values())


def fetch_dump(fetcher: Fetcher, d: Dump, settings: Settings, previous: Snapshot | None,
               have: dict[str, Held]) -> tuple[list[RecordedFile], bool]:
    """(files, changed) for one dump: the change probe, then the download (see module docstring)."""
    wanted = settings.tracked_in(d.name)
    kept = covered(wanted, have) if previous is not None else None
    first = kept[0].entry if kept else {}
    resp = fetcher.get(d.path, etag=first.get("etag"), last_modified=first.get("last_modified"),
                       max_bytes=d.max_bytes)
    if resp.not_modified and kept:
        return [carried(previous, h, f"the {d.name} dump was not modified (HTTP 304, {resp.retrieved_at})",
                        status=304, etag=resp.etag, last_modified=resp.last_modified) for h in kept], False
    if resp.not_modified:
        raise FetchError(SOURCE_ID, resp.url, "HTTP 304 to a request that was not conditional")
    member = dump.read_member(dump.unpack(resp.body, d, resp.url), d.member, resp.url)
    if kept and first.get("update_date") == member.update_date:
        return [carried(previous, h, f"the {d.name} dump downloaded {resp.retrieved_at} has the same "
                        f"UpdateDate {member.update_date}", etag=resp.etag, last_modified=resp.last_modified)
                for h in kept], False
    return records(resp, member, d, wanted, settings), True


def fetch(fetcher: Fetcher, previous: Snapshot | None) -> list[RecordedFile] | None:
    """The files of a new version, or None when the change probe says every dump is unchanged (see module
    docstring). Raises FetchError, SchemaDrift, QuotaExceeded, TransientFetchError; writes nothing."""
    settings = config.load()
    have = held(previous)
    files, changed = [], False
    for name, d in settings.dumps.items():
        if settings.tracked_in(name):
            got, new = fetch_dump(fetcher, d, settings, previous, have)
            files += got
            changed = changed or new
    if not changed and previous is not None and {f.name for f in files} == {e["name"] for e in previous.files}:
        return None
    return files


def fingerprint(name: str, body: bytes) -> bytes:
    """What decides whether a law record changed: its JSON content, keys sorted (whitespace and key order are
    not content); a body that does not parse, and any other file, as it is."""
    if not LAW_FILE.match(name):
        return body
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
