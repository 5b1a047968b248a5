"""A tw_law snapshot -> ``policy_mentions``, ``policy_events`` and ``quality_flags`` (offline, deterministic).

One mention per recorded law (``laws/<pcode>.json``, the law's object of the MOJ dump), context ``record``,
jurisdiction ``TW``:

- ``title_printed``: ``LawName`` as recorded; ``title_en``: ``EngLawName`` (the database's official English
  name) when it has one;
- ``identifier`` / ``url``: ``TW-LAW:<pcode>`` (the ``pcode`` of ``LawURL``) / ``LawURL``;
- ``instrument_type``: ``LawLevel`` via settings ``levels`` (法律 law, 命令 regulation);
- ``issued_printed`` / ``issued_on``: the date of the enacting statement of ``LawHistories`` (制定公布 /
  訂定發布) as printed (``中華民國八十四年八月十一日``) and read; ``issuer_printed``: the authority that
  statement's order starts with (settings ``issuers``: 總統, 國家發展委員會 ...);
- ``status``: ``revoked`` when ``LawAbandonNote`` is set (廢), else ``adopted``;
- ``text``: the articles naming a settings ``provision_terms`` word (深度偽造, 人工智慧 ...), each as
  ``<ArticleNo> <ArticleContent>`` as printed; else the first article (the purpose clause).

Events (:mod:`extractors.tw_law.history`): one per stage a history statement states (promulgated, amended,
entered_into_force, repealed, expired), located ``laws/<pcode>.json #/LawHistories/<entry>/<statement>`` (the
numbered entry as printed and the dated statement within it; LawHistories is one string, so the last two steps
name its parts, not JSON members). ``LawEffectiveDate``: an 8-digit date is an entered_into_force event on that
date (``#/LawEffectiveDate``); ``99991231`` means "date to be set" (by the Executive Yuan): an event with no date,
``event_printed`` "99991231", the scope named by ``LawEffectiveNote``, and an ``effective_date_to_be_set`` flag
quoting the note and the law's 施行 article. An empty LawEffectiveDate states nothing.

Quality flags: ``effective_date_to_be_set`` (info, on the event row); on the law's mention (no row exists for
what they report): ``history_statement_unread`` (info: a statement no settings rule reads), ``date_unreadable``
(warning: a history date that is not a date; the statement is left out), ``effective_date_unreadable``
(warning), ``law_abandoned`` (info), ``level_unknown`` (warning: the instrument type then comes from the title
rules). A record lacking a key the extraction reads is SchemaDrift.
"""
from __future__ import annotations

import datetime as dt
import json
import re

from extractors.core import normalise as nz
from extractors.core.fetch import SchemaDrift
from extractors.core.records import Extraction, add_event, add_mention
from extractors.core.snapshots import Snapshot

from extractors.tw_law import config, dump, history
from extractors.tw_law.config import SOURCE_ID, Settings

JURISDICTION = "TW"
LAW_FILE = re.compile(r"^laws/(?P<pcode>[A-Z][0-9]{7})\.json$")
TO_BE_SET = "99991231"                      # LawEffectiveDate of a law part of which awaits its date
IN_FORCE_ARTICLE = re.compile(r"施行日期|自(?:公布|發布)日施行")
NOTE_SCOPE = re.compile(r"^(?P<scope>.*?)，?(?:施行日期|(?:定)?自\S*?施行)")


def joined(text: str) -> str:
    """A multi-line field with its line breaks (and the indentation after them) dropped, spaces kept."""
    return "".join(line.lstrip(" \u3000") for line in text.replace("\r\n", "\n").split("\n"))


def read_law(snapshot: Snapshot, name: str, keys: tuple[str, ...]) -> dict:
    """The law object of file ``name``. Raises SchemaDrift naming the file and the missing key."""
    url = (snapshot.file_entry(name) or {}).get("url") or name
    law = json.loads(snapshot.file(name).read_bytes().decode("utf-8-sig"))
    if not isinstance(law, dict):
        raise SchemaDrift(SOURCE_ID, url, f"{name} is not a JSON object")
    dump.check_keys(law, keys, name, url)
    return law


def articles(law: dict) -> list[tuple[int, dict]]:
    """(index in LawArticles, article) of the articles proper (ArticleType A; C is a chapter heading)."""
    return [(i, a) for i, a in enumerate(law["LawArticles"] or []) if a.get("ArticleType") == "A"]


def provisions(law: dict, terms: tuple[str, ...]) -> str | None:
    """The mention's text: the articles naming one of ``terms``, else the first article (see module docstring)."""
    arts = [a for _, a in articles(law)]
    chosen = [a for a in arts if any(t in (a.get("ArticleContent") or "") for t in terms)] or arts[:1]
    return "\n".join(f"{a.get('ArticleNo', '').strip()} {a.get('ArticleContent', '').strip()}".strip()
                     for a in chosen) or None


def note_scope(note: str) -> str | None:
    """What a LawEffectiveNote's date concerns: the words before 施行日期 / 自...施行 (``一百十二年五月三十一日增訂之
    第 1-1  條條文``); None for a whole text (全文) or a note that names nothing."""
    m = NOTE_SCOPE.match(note)
    scope = m["scope"].strip("，, ") if m else None
    return None if not scope or "全文" in scope else scope


def _mention(ex: Extraction, name: str, law: dict, pcode: str, first: history.Statement | None,
             settings: Settings) -> dict:
    kind = settings.levels.get(law["LawLevel"])
    row = add_mention(
        ex, jurisdiction=JURISDICTION, title_printed=law["LawName"], locator=name, context="record",
        issuer=history.issuer(first, settings.issuers) if first else None,
        text=provisions(law, settings.provision_terms),
        status="revoked" if law["LawAbandonNote"].strip() else "adopted",
        instrument_type=kind or nz.instrument_type(law["LawName"]), title_en=law["EngLawName"].strip() or None,
        identifier=f"TW-LAW:{pcode}", url=law["LawURL"])
    enacted = next((g for g in (first.stages if first else ()) if g.event == "promulgated"), None)
    if enacted:
        row.update(issued_printed=enacted.printed, issued_on=enacted.on, issued_precision="day")
    if kind is None:
        ex.flag("policy_mentions", row["mention_id"], "level_unknown", f"LawLevel {law['LawLevel']!r} is not in "
                "the settings' levels; the instrument type is read from the title", name)
    if law["LawAbandonNote"].strip():
        ex.flag("policy_mentions", row["mention_id"], "law_abandoned", f"LawAbandonNote "
                f"{law['LawAbandonNote'].strip()!r}: the database marks {law['LawName']} as no longer in force",
                f"{name} #/LawAbandonNote", "info")
    return row


def _history_events(ex: Extraction, name: str, mention: dict, statements: list[history.Statement]) -> None:
    """Events of the history statements; a statement read as no stage, or with a date that is no date, is flagged
    on the law's mention (there is no event row to name)."""
    pid, key = mention["policy_id"], mention["mention_id"]
    for s in statements:
        locator = f"{name} #/LawHistories/{s.entry}/{s.index}"
        for g in s.stages:
            add_event(ex, policy_id=pid, event=g.event, printed=g.printed, locator=locator, text=s.text,
                      scope=g.scope, related_identifier=g.related_identifier, on=g.on, precision="day")
        if s.error:
            ex.flag("policy_mentions", key, "date_unreadable", f"LawHistories entry {s.entry}: {s.error}; the "
                    f"statement is left out: {s.text}", locator)
        elif not s.stages and not s.ignored:
            ex.flag("policy_mentions", key, "history_statement_unread", f"LawHistories entry {s.entry}, statement "
                    f"{s.index} states no stage the settings read: {s.text}", locator, "info")


def _in_force_article(law: dict) -> str | None:
    hits = [a for _, a in articles(law) if IN_FORCE_ARTICLE.search(a.get("ArticleContent") or "")]
    return f"{hits[-1]['ArticleNo'].strip()}: {joined(hits[-1]['ArticleContent'])}" if hits else None


def _effective(ex: Extraction, name: str, mention: dict, law: dict) -> None:
    pid = mention["policy_id"]
    printed, note = law["LawEffectiveDate"].strip(), joined(law["LawEffectiveNote"]).strip()
    locator = f"{name} #/LawEffectiveDate"
    if not printed:
        return
    scope = note_scope(note)
    if printed == TO_BE_SET:
        row = add_event(ex, policy_id=pid, event="entered_into_force", printed=None, locator=locator,
                        text=note or None, scope=scope)
        row["event_printed"] = printed
        article = _in_force_article(law)
        ex.flag("policy_events", row["event_id"], "effective_date_to_be_set", f"LawEffectiveDate {printed} means "
                f"the date of entry into force is still to be set ({scope or 'the whole law'}); LawEffectiveNote: "
                f"{note or '(empty)'}" + (f"; {article}" if article else ""), locator, "info")
        return
    try:
        on = dt.datetime.strptime(printed, "%Y%m%d").date()
    except ValueError:
        ex.flag("policy_mentions", mention["mention_id"], "effective_date_unreadable", f"LawEffectiveDate "
                f"{printed!r} is not a date (YYYYMMDD) nor 99991231", locator)
        return
    add_event(ex, policy_id=pid, event="entered_into_force", printed=printed, locator=locator, text=note or None,
              scope=scope, on=on, precision="day")


def extract(snapshot: Snapshot) -> Extraction:
    """Rows of one verified version (see module docstring), laws in file-name order. Raises SchemaDrift when a
    record lacks a key of settings ``law_keys``, SnapshotError when a file is not in the version."""
    settings = config.load()
    ex = Extraction(snapshot.source_id or SOURCE_ID)
    for name in sorted(e["name"] for e in snapshot.files if LAW_FILE.match(e["name"])):
        law = read_law(snapshot, name, settings.law_keys)
        pcode = dump.pcode_of(law, (snapshot.file_entry(name) or {}).get("url") or name)
        statements = history.read(law["LawHistories"] or "", settings.actions, settings.ignore)
        row = _mention(ex, name, law, pcode, statements[0] if statements else None, settings)
        _history_events(ex, name, row, statements)
        _effective(ex, name, row, law)
    return ex
