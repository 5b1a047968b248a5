"""kr_law snapshot -> ``policy_mentions``, ``policy_events``, ``policy_relations`` and ``quality_flags`` (offline).

**Mentions.** One per tracked law (settings ``laws``) the eflaw index lists (context ``record``, jurisdiction
``KR``, identifier ``KR-LAW:<법령ID>``), from its current version's row (현행연혁코드 현행; else the row with
the latest 시행일자): ``title_printed`` its 법령명한글 as recorded, ``title_en`` the elaw index's 법령명영문 with
the highlight HTML dropped (:func:`lawxml.english_name`; the 현행 row, else the last), ``instrument_type`` from
법령구분명 (settings ``kinds``), ``issued_printed`` the 공포일자 of its enactment (제정) row as recorded
(``20250121``, read as a day), ``url`` the official page of the current version (settings ``official_url``),
``status`` ``revoked`` once a 폐지 row is listed, else ``adopted``; ``text`` the short name, kind and ministry.

**Events** (``policy_events``), per promulgation number of the law's index rows (settings ``changes``):
제정 / 전부개정 -> ``promulgated`` on its 공포일자 (text: date, number, kind of change) and
``entered_into_force`` on the earliest 시행일자 listed for that number; 일부개정 / 타법개정 -> ``amended``, 폐지 ->
``repealed``, on the 공포일자 of the changing act, ``related_identifier`` its number as law.go.kr prints it in a
부칙 heading (``제21311호``); the text lists every 시행일자 the index gives the number. From each text held:
``applies_from`` per article (annex) of 조문시행일자문자열 / 별표시행일자문자열 (scope as printed, ``제3조제5항``;
date ``20260721``) and per ``[시행일: 2026.1.24] <scope>`` note; one row per scope and date (the first text in
file order states it).

**Relations.** A tracked law named "<another tracked law's name> 시행령" (settings ``implementing_suffixes``)
``implements`` that law; the evidence is its name as recorded.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from extractors.core.records import Extraction, add_event, add_mention, relation_id
from extractors.core.snapshots import Snapshot

from extractors.kr_law import config, lawxml
from extractors.kr_law.config import SOURCE_ID
from extractors.kr_law.fetch import TEXT_FILE

JURISDICTION = "KR"

Listed = tuple[str, lawxml.Row]          # (index file, row)


def day(printed: str) -> date | None:
    """``20260122`` -> 2026-01-22; None when the value is not such a date (add_event then flags it)."""
    try:
        return datetime.strptime(printed, "%Y%m%d").date()
    except ValueError:
        return None


def _read(snapshot: Snapshot, target: str, required: tuple[str, ...]) -> list[Listed]:
    out = []
    for s in config.load().searches:
        if s.target == target and snapshot.file_entry(s.file) is not None:
            out += [(s.file, r) for r in lawxml.read_search(snapshot.file(s.file).read_bytes(), required).rows]
    return out


def _current(rows: list[Listed]) -> Listed:
    """The 현행 row, else the one with the latest 시행일자 (then the last listed)."""
    return max(rows, key=lambda fr: (fr[1]["현행연혁코드"] == "현행", fr[1]["시행일자"], -fr[1].position))


def _mention(ex: Extraction, law: str, rows: list[Listed], english: dict[str, str], s: config.Settings) -> dict:
    file, cur = _current(rows)
    kind = s.kinds.get(cur["법령구분명"])
    if kind is None:
        ex.flag("policy_mentions", f"KR-LAW:{law}", "law_kind_unknown", f"법령구분명 {cur['법령구분명']!r} is not in "
                "settings.yaml kinds; instrument_type other", cur.locator(file))
    enacted = [r for _, r in rows if s.changes.get(r["제개정구분명"]) == "promulgated"]
    repealed = any(s.changes.get(r["제개정구분명"]) == "repealed" for _, r in rows)
    text = "; ".join(f"{k}: {cur[k]}" for k in ("법령약칭명", "법령구분명", "소관부처명") if cur[k])
    row = add_mention(ex, jurisdiction=JURISDICTION, title_printed=cur["법령명한글"], locator=cur.locator(file),
                      context="record", text=text or None, status="revoked" if repealed else "adopted",
                      instrument_type=kind or "other", title_en=english.get(law), identifier=f"KR-LAW:{law}",
                      url=s.official_url.format(mst=cur["법령일련번호"], efyd=cur["시행일자"]))
    if enacted:
        first = min(enacted, key=lambda r: r["공포일자"])
        row.update(issued_printed=first["공포일자"], issued_on=day(first["공포일자"]),
                   issued_precision="day" if day(first["공포일자"]) else None)
    return row


def _change_events(ex: Extraction, pid: str, rows: list[Listed], s: config.Settings) -> None:
    by_number: dict[str, list[Listed]] = defaultdict(list)
    for file, r in sorted(rows, key=lambda fr: (fr[1]["공포일자"], fr[1]["시행일자"], fr[1].position)):
        by_number[r["공포번호"]].append((file, r))
    for number, listed in by_number.items():
        file, r = listed[0]
        event = s.changes.get(r["제개정구분명"])
        if event is None:
            ex.flag("policy_events", pid, "change_kind_unknown", f"제개정구분명 {r['제개정구분명']!r} is not in "
                    "settings.yaml changes; no event", r.locator(file), severity="info")
            continue
        dates = ", ".join(dict.fromkeys(x["시행일자"] for _, x in listed))
        text = f"공포일자 {r['공포일자']}, 공포번호 {number}, 제개정구분명 {r['제개정구분명']}, 시행일자 {dates}"
        related = None if event == "promulgated" else f"제{number}호"
        add_event(ex, policy_id=pid, event=event, printed=r["공포일자"], locator=r.locator(file), text=text,
                  related_identifier=related, on=day(r["공포일자"]), precision="day")
        if event == "promulgated":
            add_event(ex, policy_id=pid, event="entered_into_force", printed=r["시행일자"], locator=r.locator(file),
                      text=f"시행일자 {r['시행일자']} ({r['현행연혁코드']}), 공포번호 {number}",
                      on=day(r["시행일자"]), precision="day")


def _article_events(ex: Extraction, pid: str, texts: list[tuple[str, lawxml.LawText]]) -> None:
    seen: set[tuple[str, str]] = set()
    for name, text in texts:
        for entry in text.scheduled:
            if (entry.scope, entry.printed) not in seen:
                seen.add((entry.scope, entry.printed))
                add_event(ex, policy_id=pid, event="applies_from", printed=entry.printed, scope=entry.scope,
                          locator=f"{name} L{entry.line}", text=entry.text, on=day(entry.printed), precision="day")
        for note in text.notes:
            if (note.scope, note.printed) not in seen:
                seen.add((note.scope, note.printed))
                add_event(ex, policy_id=pid, event="applies_from", printed=note.printed, scope=note.scope,
                          locator=f"{name} L{note.line}", text=note.text)


def _relations(ex: Extraction, mentions: dict[str, dict], s: config.Settings) -> None:
    for law, m in mentions.items():
        for other, o in mentions.items():
            if other != law and any(m["title"] in (f"{o['title']} {x}", f"{o['title']}{x}")
                                    for x in s.implementing_suffixes):
                ex.rows["policy_relations"].append({
                    "relation_id": relation_id(m["policy_id"], "implements", o["policy_id"]),
                    "policy_id": m["policy_id"], "relation": "implements", "related_policy_id": o["policy_id"],
                    "evidence": m["title_printed"], "source_id": ex.source_id,
                    "source_locator": m["source_locator"], "licence": None, "non_commercial": None})


def extract(snapshot: Snapshot) -> Extraction:
    """Rows of one verified version (module docstring). Deterministic: laws in settings order."""
    s = config.load()
    ex = Extraction(snapshot.source_id or SOURCE_ID)
    rows: dict[str, list[Listed]] = defaultdict(list)
    for file, r in _read(snapshot, "eflaw", lawxml.INDEX_FIELDS):
        rows[r["법령ID"]].append((file, r))
    english: dict[str, str] = {}
    for _, r in sorted(_read(snapshot, "elaw", lawxml.ENGLISH_FIELDS), key=lambda fr: fr[1]["현행연혁코드"] == "현행"):
        english[r["법령ID"]] = lawxml.english_name(r["법령명영문"])
    texts: dict[str, list[tuple[str, lawxml.LawText]]] = defaultdict(list)
    for entry in snapshot.files:
        if m := TEXT_FILE.match(entry["name"]):
            texts[m.group("law")].append((entry["name"], lawxml.read_text(snapshot.file(entry["name"]).read_bytes())))
    mentions = {}
    for law in s.laws:
        if not rows.get(law):
            ex.flag("policy_mentions", f"KR-LAW:{law}", "tracked_law_missing", f"법령ID {law} (settings.yaml laws) "
                    "is not in the version's eflaw index", snapshot.meta.get("snapshot_file", "SHA256SUMS"))
            continue
        mentions[law] = _mention(ex, law, rows[law], english, s)
        _change_events(ex, mentions[law]["policy_id"], rows[law], s)
        _article_events(ex, mentions[law]["policy_id"], texts.get(law, []))
    _relations(ex, mentions, s)
    return ex
